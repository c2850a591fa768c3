/**
 * The OLE compound file (CFB) behind legacy Office files (.xls/.et, .doc/.wps, encrypted OOXML):
 * just enough of it to name the streams at its root and read the first bytes of one, so that a
 * file's real format is decided by its content. Bounded: a damaged or hostile sector chain ends
 * the walk, never loops.
 */

export const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const END_OF_CHAIN = 0xfffffffe;
const MAX_SECTORS_WALKED = 4096;

export interface CfbStream {
  name: string;
  /** First sector (or mini-sector when size < the mini-stream cutoff). */
  start: number;
  size: number;
}

export interface CfbDirectory {
  streams: CfbStream[];
  /** The first bytes (up to `want`) of a stream stored in regular sectors, or null. */
  head(stream: CfbStream, want: number): Buffer | null;
}

export function isCfb(bytes: Buffer): boolean {
  return bytes.length >= 512 && bytes.subarray(0, 8).equals(CFB_MAGIC);
}

/** The root's streams, or null when the header or directory cannot be read. */
export function readCfbDirectory(bytes: Buffer): CfbDirectory | null {
  if (!isCfb(bytes)) return null;
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorAt = (n: number): number => (n + 1) * sectorSize;
  const miniCutoff = bytes.readUInt32LE(0x38);
  // The FAT's own sectors: the first 109 are listed in the header (enough for files up to
  // ~7 MB with 512-byte sectors; beyond that the walk simply stops early).
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = bytes.readUInt32LE(0x4c + i * 4);
    if (s >= 0xfffffffa) break;
    fatSectors.push(s);
  }
  const perFat = sectorSize / 4;
  const next = (sector: number): number => {
    const fat = fatSectors[Math.floor(sector / perFat)];
    if (fat === undefined) return END_OF_CHAIN;
    const at = sectorAt(fat) + (sector % perFat) * 4;
    return at + 4 <= bytes.length ? bytes.readUInt32LE(at) : END_OF_CHAIN;
  };
  const chain = (first: number, limit: number): number[] => {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let s = first; s < 0xfffffffa && out.length < limit && !seen.has(s); s = next(s)) {
      if (sectorAt(s) + sectorSize > bytes.length) break;
      seen.add(s);
      out.push(s);
    }
    return out;
  };
  const streams: CfbStream[] = [];
  for (const s of chain(bytes.readUInt32LE(0x30), MAX_SECTORS_WALKED)) {
    for (let off = sectorAt(s); off + 128 <= sectorAt(s) + sectorSize; off += 128) {
      const type = bytes[off + 0x42];
      if (type !== 2) continue; // streams only
      const nameLen = Math.min(64, bytes.readUInt16LE(off + 0x40));
      const name = bytes
        .subarray(off, off + Math.max(0, nameLen - 2))
        .toString('utf16le')
        .replace(/\0+$/, '');
      streams.push({
        name,
        start: bytes.readUInt32LE(off + 0x74),
        size: bytes.readUInt32LE(off + 0x78),
      });
    }
  }
  return {
    streams,
    head(stream, want) {
      if (stream.size < miniCutoff) return null;
      const parts: Buffer[] = [];
      let got = 0;
      for (const s of chain(stream.start, Math.ceil(want / sectorSize))) {
        parts.push(bytes.subarray(sectorAt(s), sectorAt(s) + sectorSize));
        got += sectorSize;
        if (got >= want) break;
      }
      return parts.length ? Buffer.concat(parts).subarray(0, Math.min(want, stream.size)) : null;
    },
  };
}

/**
 * .7z and .rar (v4 and v5), and zips with compression methods the zip reader does not inflate,
 * through bsdtar (libarchive) as a sandboxed child process (tool-process.ts) in a private temp
 * dir: the archive is listed first and checked against the limits as declared, then extracted into
 * the private dir while a watcher kills the tool when what it wrote grows past the budget. Names
 * are read back from the disk as bytes (UTF-8, or GB18030 for legacy code-page names); symbolic
 * links and anything but regular files are ignored. libarchive refuses ".." and absolute paths and
 * writing through symlinks unless -P is given (it is not).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeLegacyName, safeEntryName, UNNAMED } from './entry-names';
import { refuse, settle, type Extraction, type LeftEntry, type UnpackedFile } from './extraction';
import type { ContainerLimits } from './limits';
import { runTool, type ToolRun } from './tool-process';

const TOOL = 'bsdtar';

/** Detail of the refusal when bsdtar is not installed (the code is ARCHIVE_DAMAGED). */
export const ARCHIVE_TOOL_MISSING =
  'archive tool missing: bsdtar (Debian libarchive-tools) is not installed';

let available: boolean | undefined;

/** Whether bsdtar can be run here (checked once): without it .7z and .rar cannot be opened. */
export function archiveToolAvailable(): boolean {
  const runs = (command: string, arg: string): boolean =>
    spawnSync(command, [arg], { stdio: 'ignore', timeout: 5000 }).status === 0;
  // prlimit (util-linux) is how the tool is limited: without it the tool is not run.
  available ??= runs(TOOL, '--version') && runs('prlimit', '--version');
  return available;
}

export interface ArchiveToolOptions {
  limits: ContainerLimits;
  /** Bytes that may still be unpacked (the total limit, less what outer levels took). */
  budget: number;
}

const ENCRYPTED = /encrypt|passphrase|password/i;

/** bsdtar's messages without the entry names they start with (a name may say "password"). */
const messages = (stderr: string): string =>
  stderr
    .split('\n')
    .map((line) =>
      line.startsWith('bsdtar: ') ? line.slice(8) : line.slice(line.indexOf(': ') + 1),
    )
    .join('\n');

/**
 * Given so that bsdtar never asks: without a terminal its prompt loops ("Enter passphrase:" over
 * and over, seconds of key derivation for WinZip AES). Entries it does not open are reported
 * "Incorrect passphrase", i.e. encrypted.
 */
const NO_PASSPHRASE = ['--passphrase', 'duban-has-no-passphrase'];

export async function readWithArchiveTool(
  bytes: Buffer,
  format: '7z' | 'rar' | 'zip',
  options: ArchiveToolOptions,
): Promise<Extraction> {
  if (!archiveToolAvailable()) return refuse('ARCHIVE_DAMAGED', ARCHIVE_TOOL_MISSING);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'duban-archive-'));
  try {
    // A .rar goes through a pipe: read from a seekable file, libarchive's zip reader looks for an
    // end-of-central-directory record anywhere and mistakes a RAR holding a stored zip for that
    // zip (libarchive issue 2249). A .7z needs seeking (its header is at the end): a file.
    const source = format === 'rar' ? '-' : path.join(dir, 'archive');
    if (source !== '-') await fs.promises.writeFile(source, bytes);
    const input = source === '-' ? bytes : undefined;
    const listed = await list(dir, source, input, bytes.length, options);
    if (!listed.ok) return listed.refusal;
    const out = path.join(dir, 'out');
    await fs.promises.mkdir(out);
    return await extract(dir, out, source, input, options);
  } catch (err) {
    return refuse('ARCHIVE_DAMAGED', `archive tool failed: ${(err as Error).message}`);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

interface ListedEntry {
  type: string;
  size: number;
}

type Listing = { ok: true; entries: ListedEntry[] } | { ok: false; refusal: Extraction };

async function list(
  dir: string,
  source: string,
  input: Buffer | undefined,
  packedBytes: number,
  options: ArchiveToolOptions,
): Promise<Listing> {
  const { limits } = options;
  const run = await runTool(TOOL, [...NO_PASSPHRASE, '-tvf', source], {
    cwd: dir,
    input,
    timeoutMs: limits.toolTimeoutMs,
    memoryBytes: limits.toolMemoryBytes,
    fileBytes: 1,
    maxStdoutBytes: Math.max(64 * 1024, limits.maxEntries * 1024),
  });
  const lines = run.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines.length > limits.maxEntries || run.stopped === 'output over its limit') {
    return fail('ARCHIVE_TOO_LARGE', `over ${limits.maxEntries} entries`);
  }
  if (ENCRYPTED.test(messages(run.stderr))) return fail('ARCHIVE_ENCRYPTED', firstLine(run));
  if (run.stopped) return fail('ARCHIVE_DAMAGED', `listing stopped: ${run.stopped}`);
  if (lines.length === 0 && run.status !== 0) return fail('ARCHIVE_DAMAGED', firstLine(run));
  const entries = lines.map(parseListLine);
  const files = entries.filter((e) => e.type === '-');
  const total = files.reduce((sum, e) => sum + e.size, 0);
  if (total > options.budget) {
    return fail('ARCHIVE_TOO_LARGE', `${total} bytes declared, over ${options.budget}`);
  }
  const bomb = files.find((e) => e.size > limits.maxEntryBytes);
  if (bomb) return fail('ARCHIVE_TOO_LARGE', `an entry of ${bomb.size} bytes declared`);
  // Packed sizes per entry are not listed: the ratio is the whole archive's.
  if (total > limits.ratioAppliesAbove && total > limits.maxRatio * packedBytes) {
    return fail('ARCHIVE_TOO_LARGE', `${total} bytes declared from ${packedBytes} packed`);
  }
  return { ok: true, entries };
}

const fail = (
  code: 'ARCHIVE_TOO_LARGE' | 'ARCHIVE_ENCRYPTED' | 'ARCHIVE_DAMAGED',
  detail: string,
): Listing => ({
  ok: false,
  refusal: refuse(code, detail),
});

const firstLine = (run: ToolRun): string =>
  run.stderr
    .split('\n')
    .find((l) => l.trim() !== '' && !l.includes('(null)'))
    ?.trim() ?? `bsdtar exited with ${run.status ?? run.signal ?? 'nothing'}`;

// "-rw-r--r--  0 0      0       13824 Oct  1  2007 name": mode, links, owner, group, size, date.
const LIST_LINE = /^(\S)\S*\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\d+\s+\S+\s/;

function parseListLine(line: string): ListedEntry {
  const match = LIST_LINE.exec(line);
  return { type: match?.[1] ?? '?', size: Number(match?.[2] ?? 0) };
}

async function extract(
  dir: string,
  out: string,
  source: string,
  input: Buffer | undefined,
  options: ArchiveToolOptions,
): Promise<Extraction> {
  const { limits } = options;
  const args = [
    ...NO_PASSPHRASE,
    '-xf',
    source,
    '-C',
    out,
    '--no-same-owner',
    '--no-same-permissions',
    '--no-xattrs',
    '--no-acls',
    '--no-fflags',
  ];
  const run = await runTool(TOOL, args, {
    cwd: dir,
    input,
    timeoutMs: limits.toolTimeoutMs,
    memoryBytes: limits.toolMemoryBytes,
    // One byte over the per-entry limit ends the tool (SIGXFSZ): declared sizes can lie.
    fileBytes: limits.maxEntryBytes + 1,
    maxStdoutBytes: 64 * 1024,
    watch: () => {
      const { bytes, count } = measure(out);
      if (bytes > options.budget) return `unpacked over ${options.budget} bytes`;
      if (count > limits.maxEntries) return `over ${limits.maxEntries} entries`;
      return null;
    },
    watchEveryMs: 100,
  });
  if (run.stopped) return refuse('ARCHIVE_TOO_LARGE', `extraction stopped: ${run.stopped}`);
  if (run.signal === 'SIGXFSZ') {
    return refuse('ARCHIVE_TOO_LARGE', `an entry unpacks to over ${limits.maxEntryBytes} bytes`);
  }
  const { bytes } = measure(out);
  if (bytes > options.budget)
    return refuse('ARCHIVE_TOO_LARGE', `unpacked over ${options.budget} bytes`);
  const failed = failedEntries(run.stderr);
  const files: UnpackedFile[] = [];
  const skipped: LeftEntry[] = [];
  for (const file of regularFiles(out)) {
    const name = safeEntryName(file.rawParts.map(decodeLegacyName).join('/')) || UNNAMED;
    const problem = failed.get(name);
    if (problem) skipped.push({ name, code: problem });
    else files.push({ name, bytes: await fs.promises.readFile(file.full) });
  }
  if (files.length === 0 && skipped.length === 0) {
    if (ENCRYPTED.test(messages(run.stderr))) return refuse('ARCHIVE_ENCRYPTED', firstLine(run));
    if (run.status !== 0) return refuse('ARCHIVE_DAMAGED', firstLine(run));
  }
  return settle(files, skipped, 'archive');
}

/** What was written so far (files not followed through links), for the watcher. */
function measure(root: string): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  // Names as bytes: a legacy code-page name is not valid UTF-8 and must still be measured.
  const walk = (dir: Buffer): void => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir, { encoding: 'buffer' });
    } catch {
      return;
    }
    for (const name of names) {
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      try {
        const stat = fs.lstatSync(full);
        count++;
        if (stat.isDirectory()) walk(full);
        else bytes += stat.size;
      } catch {
        // removed meanwhile
      }
    }
  };
  walk(Buffer.from(root));
  return { bytes, count };
}

interface DiskFile {
  full: Buffer;
  /** Each path part as the archive's bytes (names are not re-encoded by bsdtar). */
  rawParts: Buffer[];
}

function regularFiles(root: string): DiskFile[] {
  const found: DiskFile[] = [];
  const walk = (dir: Buffer, parts: Buffer[]): void => {
    for (const entry of fs.readdirSync(dir, { encoding: 'buffer', withFileTypes: true })) {
      const full = Buffer.concat([dir, Buffer.from('/'), entry.name]);
      const rawParts = [...parts, entry.name];
      if (entry.isDirectory()) walk(full, rawParts);
      else if (entry.isFile()) found.push({ full, rawParts });
    }
  };
  walk(Buffer.from(root), []);
  found.sort((a, b) => Buffer.compare(Buffer.concat(a.rawParts), Buffer.concat(b.rawParts)));
  return found;
}

/**
 * Entries bsdtar reported a problem with ("a.txt: The file content is encrypted, …"): by decoded
 * name, encrypted or damaged. bsdtar escapes a name's unprintable bytes as \ooo.
 */
function failedEntries(stderr: string): Map<string, 'ARCHIVE_ENCRYPTED' | 'ARCHIVE_DAMAGED'> {
  const failed = new Map<string, 'ARCHIVE_ENCRYPTED' | 'ARCHIVE_DAMAGED'>();
  for (const line of stderr.split('\n')) {
    if (line.startsWith('bsdtar: ')) continue;
    const at = line.indexOf(': ');
    if (at <= 0) continue;
    const name = safeEntryName(decodeLegacyName(unescape(line.slice(0, at))));
    failed.set(name, ENCRYPTED.test(line.slice(at)) ? 'ARCHIVE_ENCRYPTED' : 'ARCHIVE_DAMAGED');
  }
  return failed;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** bsdtar's escaped name back to its bytes. */
function unescape(text: string): Buffer {
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    if (byte !== 92) {
      bytes.push(byte);
      continue;
    }
    const octal = raw.toString('latin1', i + 1, i + 4);
    const next = raw.toString('latin1', i + 1, i + 2);
    if (/^[0-7]{3}$/.test(octal)) {
      bytes.push(parseInt(octal, 8));
      i += 3;
    } else if (next in ESCAPES) {
      bytes.push(ESCAPES[next] ?? 92);
      i += 1;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}

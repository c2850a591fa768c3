import * as fs from 'node:fs';
import * as path from 'node:path';
import iconv from 'iconv-lite';
import { openContainer } from '../../src/adapters/containers/opener';
import type { OpenedContainer } from '../../src/app/ports/container-opener';
import { sniffFile } from '../../src/adapters/formats/sniff';

const FIXTURES = path.join(__dirname, '../fixtures/archives');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));

function opened(result: OpenedContainer) {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.detail}`);
  return result;
}

// A TNEF stream built by hand (MS-OXTNEF), for the cases no corpus file has.
const u16 = (n: number): Buffer => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const pad4 = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
function attribute(level: number, id: number, data: Buffer): Buffer {
  const sum = data.reduce((s, b) => (s + b) & 0xffff, 0);
  return Buffer.concat([Buffer.from([level]), u32(id), u32(data.length), data, u16(sum)]);
}
function props(list: Array<[type: number, id: number, value: Buffer]>): Buffer {
  const parts = [u32(list.length)];
  for (const [type, id, value] of list) {
    parts.push(u16(type), u16(id));
    if (type === 0x001e || type === 0x0102 || type === 0x000d) {
      parts.push(u32(1), u32(value.length), pad4(value));
    } else parts.push(pad4(value));
  }
  return Buffer.concat(parts);
}
const tnef = (...attributes: Buffer[]): Buffer =>
  Buffer.concat([u32(0x223e9f78), u16(0x0101), ...attributes]);
const oemCodepage = (cp: number) => attribute(1, 0x00069007, Buffer.concat([u32(cp), u32(0)]));
const renderData = () => attribute(2, 0x00069002, Buffer.alloc(14));
const title = (bytes: Buffer) => attribute(2, 0x00018010, Buffer.concat([bytes, Buffer.from([0])]));
const data = (bytes: Buffer) => attribute(2, 0x0006800f, bytes);
const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');

describe('winmail.dat (TNEF)', () => {
  it('lists the attachments of a real Outlook winmail.dat by their long names', async () => {
    const result = opened(await openContainer(fixture('poi__quick-winmail.dat'), 'tnef'));
    expect(result.files.map((f) => [f.path, f.bytes.length])).toEqual([
      [['quick.doc'], 19968],
      [['quick.html'], 428],
      [['quick.pdf'], 18638],
      [['quick.txt'], 235],
      [['quick.xml'], 143],
    ]);
    const doc = result.files[0]?.bytes ?? Buffer.alloc(0);
    expect(sniffFile(doc)).toEqual({ kind: 'sheet', format: 'doc' });
  });

  it('takes OLE objects (codepage 936 stream) from the MAPI attachment properties', async () => {
    const result = opened(await openContainer(fixture('mimekit__winmail-oem-cp936.tnef'), 'tnef'));
    // Both are titled "Untitled Attachment"; the MAPI display name and storage are the real ones.
    expect(result.files.map((f) => [f.path, f.bytes.length])).toEqual([
      [['Picture (Device Independent Bitmap)'], 29184],
      [['Picture (Device Independent Bitmap)'], 68608],
    ]);
    for (const file of result.files) {
      expect(file.bytes.subarray(0, 4).toString('hex')).toBe('d0cf11e0'); // an OLE storage
    }
  });

  it('reads the message properties of a real rich-text Outlook mail and finds no attachment', async () => {
    const bytes = fixture('mimekit-outlook-rtf-winmail.dat');
    expect(await openContainer(bytes, 'tnef')).toEqual({
      ok: true,
      format: 'tnef',
      files: [],
      skipped: [],
    });
  });

  it('refuses a stream claiming 873 million property values at once, as damaged', async () => {
    const result = await openContainer(fixture('poi__oom-huge-mv-count.tnef'), 'tnef');
    expect(result).toMatchObject({ ok: false, format: 'tnef', code: 'ARCHIVE_DAMAGED' });
  });

  it('decodes 8-bit names in the OEM code page 936 as GB18030', async () => {
    const bytes = tnef(
      oemCodepage(936),
      renderData(),
      title(gbk('问题清单（区教育局）.xlsx')),
      data(Buffer.from('x')),
    );
    const result = opened(await openContainer(bytes, 'tnef'));
    expect(result.files.map((f) => f.path)).toEqual([['问题清单（区教育局）.xlsx']]);
  });

  it('prefers PR_ATTACH_LONG_FILENAME and PR_ATTACH_DATA_BIN over the 8.3 title', async () => {
    const mapi = props([
      [0x001e, 0x3707, Buffer.concat([gbk('第十二周问题清单.xlsx'), Buffer.from([0])])],
      [0x0102, 0x3701, Buffer.from('real data')],
      [0x0003, 0x3705, u32(1)],
    ]);
    const bytes = tnef(
      oemCodepage(936),
      renderData(),
      title(Buffer.from('~1.XLS')),
      attribute(2, 0x00069005, mapi),
    );
    const result = opened(await openContainer(bytes, 'tnef'));
    expect(result.files.map((f) => [f.path, f.bytes.toString()])).toEqual([
      [['第十二周问题清单.xlsx'], 'real data'],
    ]);
  });

  it('leaves out an attached mail (embedded message)', async () => {
    const mapi = props([
      [0x001e, 0x3001, Buffer.from('Forwarded\0')],
      [0x0003, 0x3705, u32(5)],
    ]);
    const bytes = tnef(
      renderData(),
      title(Buffer.from('a.txt')),
      data(Buffer.from('a')),
      renderData(),
      title(Buffer.from('mail')),
      attribute(2, 0x00069005, mapi),
    );
    const result = opened(await openContainer(bytes, 'tnef'));
    expect(result.files.map((f) => f.path)).toEqual([['a.txt']]);
  });

  it('answers ARCHIVE_DAMAGED, never throws, for cut or lying streams', async () => {
    const whole = fixture('poi__quick-winmail.dat');
    const lying = tnef(attribute(2, 0x0006800f, Buffer.from('abc')));
    lying.writeUInt32LE(0xfffffff0, 6 + 5); // the attribute's length
    const inputs = [
      whole.subarray(0, 5000),
      lying,
      Buffer.from('not tnef at all'),
      Buffer.alloc(0),
    ];
    for (const bytes of inputs) {
      expect(await openContainer(bytes, 'tnef')).toMatchObject({
        ok: false,
        code: 'ARCHIVE_DAMAGED',
      });
    }
  });

  it('skips an attachment over the per-entry limit and keeps the others', async () => {
    const bytes = tnef(
      renderData(),
      title(Buffer.from('big.bin')),
      data(Buffer.alloc(2000)),
      renderData(),
      title(Buffer.from('small.txt')),
      data(Buffer.from('s')),
    );
    const result = opened(await openContainer(bytes, 'tnef', { maxEntryBytes: 1000 }));
    expect(result.files.map((f) => f.path)).toEqual([['small.txt']]);
    expect(result.skipped).toEqual([{ path: ['big.bin'], code: 'ARCHIVE_TOO_LARGE' }]);
  });
});

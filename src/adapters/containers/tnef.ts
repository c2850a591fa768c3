/**
 * Outlook's winmail.dat (TNEF, application/ms-tnef): the attached files, by the names Outlook kept
 * (the MAPI long file name before the 8.3 title), 8-bit names decoded in the OEM code page the
 * stream declares (936: GB18030). Every length is checked against the bytes that remain before
 * anything is read or allocated, so a stream claiming 873 million values is refused at once.
 * Embedded messages (an attached mail) are left out: they are mails, not files.
 */
import iconv from 'iconv-lite';
import { safeEntryName, UNNAMED } from './entry-names';
import { refuse, settle, type Extraction, type LeftEntry, type UnpackedFile } from './extraction';
import type { ContainerLimits } from './limits';

const SIGNATURE = 0x223e9f78;
const LEVEL_ATTACHMENT = 0x02;

const ATT_ATTACH_REND_DATA = 0x00069002;
const ATT_ATTACH_TITLE = 0x00018010;
const ATT_ATTACH_DATA = 0x0006800f;
const ATT_ATTACHMENT = 0x00069005;
const ATT_MAPI_PROPS = 0x00069003;
const ATT_OEM_CODEPAGE = 0x00069007;

const PR_DISPLAY_NAME = 0x3001;
const PR_ATTACH_DATA = 0x3701;
const PR_ATTACH_FILENAME = 0x3704;
const PR_ATTACH_METHOD = 0x3705;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const ATTACH_EMBEDDED_MSG = 5;

const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const MV_FLAG = 0x1000;

/** Bytes of one value of each fixed-size property type (as stored: padded to 4). */
const FIXED_SIZES: Record<number, number> = {
  0x0001: 4, // PT_NULL
  0x0002: 4, // PT_SHORT
  0x0003: 4, // PT_LONG
  0x0004: 4, // PT_FLOAT
  0x0005: 8, // PT_DOUBLE
  0x0006: 8, // PT_CURRENCY
  0x0007: 8, // PT_APPTIME
  0x000a: 4, // PT_ERROR
  0x000b: 4, // PT_BOOLEAN
  0x0014: 8, // PT_I8
  0x0040: 8, // PT_SYSTIME
  0x0048: 16, // PT_CLSID
};
/** Variable-size types: a count, then each value as a length and padded bytes. */
const VARIABLE = new Set([PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT, 0x00fb, 0x00fd, 0x00fe]);

class Damaged extends Error {}

export interface TnefOptions {
  limits: ContainerLimits;
  budget: number;
}

interface Attachment {
  title?: Buffer;
  data?: Buffer;
  props: Map<number, MapiValue>;
}

interface MapiValue {
  type: number;
  values: Buffer[];
}

export function readTnef(bytes: Buffer, options: TnefOptions): Extraction {
  try {
    return readStream(bytes, options);
  } catch (err) {
    if (err instanceof Damaged) return refuse('ARCHIVE_DAMAGED', `damaged TNEF: ${err.message}`);
    throw err;
  }
}

function readStream(bytes: Buffer, options: TnefOptions): Extraction {
  if (bytes.length < 6 || bytes.readUInt32LE(0) !== SIGNATURE)
    throw new Damaged('no TNEF signature');
  const attachments: Attachment[] = [];
  let codepage = 1252;
  let at = 6;
  while (at < bytes.length) {
    // Level (1), id (4), length (4), data (length), checksum (2).
    if (at + 9 > bytes.length) throw new Damaged(`attribute header cut at ${at}`);
    const level = bytes.readUInt8(at);
    const id = bytes.readUInt32LE(at + 1);
    const length = bytes.readUInt32LE(at + 5);
    const start = at + 9;
    if (length > bytes.length - start - 2)
      throw new Damaged(`attribute 0x${hex(id)} longer than the stream`);
    const data = bytes.subarray(start, start + length);
    at = start + length + 2;
    if (id === ATT_OEM_CODEPAGE && data.length >= 4) codepage = data.readUInt32LE(0);
    if (id === ATT_MAPI_PROPS) readMapiProps(data);
    if (level !== LEVEL_ATTACHMENT) continue;
    if (id === ATT_ATTACH_REND_DATA || attachments.length === 0) {
      if (attachments.length >= options.limits.maxEntries) {
        return refuse('ARCHIVE_TOO_LARGE', `over ${options.limits.maxEntries} attachments`);
      }
      attachments.push({ props: new Map() });
    }
    const current = attachments[attachments.length - 1];
    if (!current) continue;
    if (id === ATT_ATTACH_TITLE) current.title = data;
    else if (id === ATT_ATTACH_DATA) current.data = data;
    else if (id === ATT_ATTACHMENT) current.props = readMapiProps(data);
  }
  return collect(attachments, codepage, options);
}

function collect(attachments: Attachment[], codepage: number, options: TnefOptions): Extraction {
  const files: UnpackedFile[] = [];
  const skipped: LeftEntry[] = [];
  let total = 0;
  for (const attachment of attachments) {
    const method = attachment.props.get(PR_ATTACH_METHOD)?.values[0];
    if (method && method.length >= 4 && method.readUInt32LE(0) === ATTACH_EMBEDDED_MSG) continue;
    const name = safeEntryName(nameOf(attachment, codepage)) || UNNAMED;
    const data = dataOf(attachment);
    if (!data) continue; // an embedded message, or no data at all
    if (data.length > options.limits.maxEntryBytes || total + data.length > options.budget) {
      skipped.push({ name, code: 'ARCHIVE_TOO_LARGE' });
      continue;
    }
    total += data.length;
    files.push({ name, bytes: Buffer.from(data) });
  }
  return settle(files, skipped, 'TNEF');
}

/** IID_IMessage: a PT_OBJECT holding an attached mail. */
const IID_IMESSAGE = Buffer.from('0703020000000000c000000000000046', 'hex');

/**
 * The attachment's bytes: PR_ATTACH_DATA_BIN, or an OLE object's storage (PR_ATTACH_DATA_OBJ after
 * its 16-byte interface id: an embedded picture, or an embedded worksheet whose storage is a .xls),
 * else attAttachData. An embedded message has none.
 */
function dataOf(attachment: Attachment): Buffer | undefined {
  const prop = attachment.props.get(PR_ATTACH_DATA);
  const value = prop?.values[0];
  if (!prop || !value) return attachment.data;
  if (prop.type === PT_BINARY) return value;
  if (prop.type !== PT_OBJECT || value.length <= 16) return undefined;
  return value.subarray(0, 16).equals(IID_IMESSAGE) ? undefined : value.subarray(16);
}

function nameOf(attachment: Attachment, codepage: number): string {
  for (const id of [PR_ATTACH_LONG_FILENAME, PR_ATTACH_FILENAME, PR_DISPLAY_NAME]) {
    const prop = attachment.props.get(id);
    const value = prop?.values[0];
    if (!prop || !value) continue;
    const text =
      prop.type === PT_UNICODE
        ? utf16(value)
        : prop.type === PT_STRING8
          ? string8(value, codepage)
          : '';
    if (text.trim()) return text;
  }
  return attachment.title ? string8(attachment.title, codepage) : '';
}

const trimNul = (text: string): string => text.replace(/\0[\s\S]*$/, '');

const utf16 = (value: Buffer): string => trimNul(value.toString('utf16le'));

/** An 8-bit string in the stream's OEM code page (936 is GB18030's subset GBK). */
function string8(value: Buffer, codepage: number): string {
  const encoding =
    codepage === 936 || codepage === 54936
      ? 'gb18030'
      : codepage === 65001
        ? 'utf8'
        : iconv.encodingExists(`cp${codepage}`)
          ? `cp${codepage}`
          : 'cp1252';
  return trimNul(iconv.decode(value, encoding));
}

/**
 * A MAPI property list (MS-OXTNEF 2.1.3.4): count, then each property's type, id (and name, for
 * named properties), and values. Counts are checked against what remains before any loop.
 */
function readMapiProps(data: Buffer): Map<number, MapiValue> {
  const props = new Map<number, MapiValue>();
  let at = 0;
  const need = (n: number, what: string): void => {
    if (n < 0 || n > data.length - at) throw new Damaged(`${what} longer than its attribute`);
  };
  const u32 = (what: string): number => {
    need(4, what);
    const v = data.readUInt32LE(at);
    at += 4;
    return v;
  };
  const count = u32('property count');
  need(count * 8, 'property list'); // a property is at least its tag and one 4-byte value
  for (let p = 0; p < count; p++) {
    need(4, 'property tag');
    const type = data.readUInt16LE(at);
    const id = data.readUInt16LE(at + 2);
    at += 4;
    if (id >= 0x8000) {
      need(20, 'named property');
      at += 16; // GUID
      const kind = u32('name kind');
      if (kind === 0) {
        need(4, 'named property id');
        at += 4;
      } else if (kind === 1) {
        const length = u32('name length');
        need(padded(length), 'property name');
        at += padded(length);
      } else throw new Damaged(`named property kind ${kind}`);
    }
    const base = type & ~MV_FLAG;
    const multi = (type & MV_FLAG) !== 0;
    const values: Buffer[] = [];
    if (VARIABLE.has(base)) {
      const n = u32('value count');
      need(n * 4, 'values');
      for (let v = 0; v < n; v++) {
        const length = u32('value length');
        need(padded(length), 'value');
        values.push(data.subarray(at, at + length));
        at += padded(length);
      }
    } else {
      const size = FIXED_SIZES[base];
      if (size === undefined) throw new Damaged(`property type 0x${hex(type)}`);
      const n = multi ? u32('value count') : 1;
      need(n * size, 'values');
      for (let v = 0; v < n; v++) {
        values.push(data.subarray(at, at + size));
        at += size;
      }
    }
    props.set(id, { type: base, values });
  }
  return props;
}

const padded = (n: number): number => n + ((4 - (n % 4)) % 4);

const hex = (n: number): string => n.toString(16).padStart(8, '0');

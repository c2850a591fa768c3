/**
 * Reading a message's attachments: every one is listed for recording (its bytes kept when it
 * may carry the sheet; the caller records them with the message's other writes, in one
 * transaction), every archive opened (one level of nesting), every file that may be the sheet
 * read and checked against the unit's projects, whatever its format, and every file that is not
 * read gets a note saying why, for the answer. What a file is comes from its content.
 */
import type { Schedule } from '../../config/schedule';
import { checkSheetForUnit } from '../../domain/intake/check-sheet';
import type { MailAttachment, ParsedMessage } from '../../domain/intake/message';
import type { AttachmentNote, ReadSheet } from '../../domain/intake/replies';
import { catalogOf } from '../../domain/sheet/catalog';
import { containedFileLabel, type FileIdentity } from '../../domain/sheet/formats';
import type { ParsedSheet, SheetProject } from '../../domain/sheet/parse';
import { refusalMessage } from '../../domain/sheet/refusals';
import { issue, type Code, type Issue } from '../../errors';
import type { ContainerOpener } from '../ports/container-opener';
import type { ReceivedAttachment } from '../ports/intake-store';
import type { SheetReader } from '../ports/sheet-reader';
import type { IntakeOutcome } from './outcome';

const NOT_A_SHEET = '不是问题清单文件（表格或Word文档），未读取';

/**
 * Names a sheet goes by. Never what decides the format (the content does), only whether a file
 * whose content is no known format was meant as the sheet: such a file is refused as one ("not
 * a readable sheet", "damaged") instead of the mail being told it carried no sheet at all.
 */
const MEANT_AS_SHEET = /\.(xlsx|xlsm|xls|et|ods|csv|docx|doc|wps|odt|zip|rar|7z)$/i;

/** A file found inside an archive, as `duban ingest --json` reports it. */
export interface InnerFileEntry {
  filename: string;
  format: string;
  used: boolean;
  note?: string;
}

export interface ReadAttachments {
  /** Every sheet read, usable or not. */
  sheets: ReadSheet[];
  /** One per attachment (and per file inside an archive) listed in the answer. */
  notes: AttachmentNote[];
  /** Issues about the message rather than one sheet (an archive that could not be opened). */
  messageIssues: Issue[];
  /** Every attachment, to be recorded. */
  records: ReceivedAttachment[];
}

interface Reading {
  deps: { sheets: SheetReader; containers: ContainerOpener; schedule: Schedule };
  /** null for an office member's mail: its sheet is not a unit's (no check against projects). */
  unitId: string | null;
  referenceWeek: string;
  sheets: ReadSheet[];
  notes: AttachmentNote[];
  messageIssues: Issue[];
}

export async function readAttachments(
  deps: { sheets: SheetReader; containers: ContainerOpener; schedule: Schedule },
  input: {
    rawMessageId: number;
    msg: ParsedMessage;
    /** The sending unit; null for an office member (a list of agreed items, not a unit's sheet). */
    unitId: string | null;
    /** The week the arrival alone points to: the year of due dates written without one. */
    referenceWeek: string;
  },
  result: IntakeOutcome,
): Promise<ReadAttachments> {
  const { rawMessageId, msg } = input;
  const r: Reading = {
    deps,
    unitId: input.unitId,
    referenceWeek: input.referenceWeek,
    sheets: [],
    notes: [],
    messageIssues: [],
  };
  const records: ReceivedAttachment[] = [];
  for (const [ordinal, a] of msg.attachments.entries()) {
    if (a.embedded && a.kind === 'other') continue;
    const filename = a.filename || '(未命名附件)';
    const identity = deps.sheets.identify(a.content);
    const entry: IntakeOutcome['attachments'][number] = {
      filename,
      contentType: a.contentType,
      format: identity.format,
      size: a.size,
      used: false,
    };
    result.attachments.push(entry);
    let why: string | null;
    if (identity.kind === 'container') {
      const inner = await openArchive(r, a, filename, identity);
      entry.inner = inner.files;
      entry.used = inner.used;
      why = inner.why;
    } else {
      const read = await readOne(r, a.content, filename, identity);
      entry.used = read.used;
      why = read.why;
    }
    records.push({
      rawMessageId,
      ordinal,
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      keepBytes: a.kind !== 'other',
      used: entry.used,
      note: why,
    });
  }
  await readBodyTable(r, msg);
  return { sheets: r.sheets, notes: r.notes, messageIssues: r.messageIssues, records };
}

/** How the answer names a sheet pasted into the mail's body. */
export const BODY_TABLE_LABEL = '邮件正文中的表格';

/**
 * A sheet pasted into the body as an HTML table (what Outlook, Foxmail and WPS paste from a
 * spreadsheet) when no attachment gave a usable sheet: read like an attached one when it has the
 * header; otherwise it is not a sheet and the answer is what it would have been without it.
 */
async function readBodyTable(r: Reading, msg: ParsedMessage): Promise<void> {
  if (r.sheets.some(isUsable) || !msg.html || !/<table[\s>]/i.test(msg.html)) return;
  const bytes = Buffer.from(msg.html, 'utf8');
  if (r.deps.sheets.identify(bytes).format !== 'html') return;
  const parsed = await r.deps.sheets.read(bytes, {
    catalog: catalogOf(r.deps.schedule),
    referenceDate: r.referenceWeek,
  });
  if (!parsed.ok) return;
  const checked = checkedFor(r, parsed);
  r.sheets.push({ filename: BODY_TABLE_LABEL, parsed, issues: checked.issues });
}

/** One file that may be the sheet (an attachment, or a file in an archive), read and noted. */
async function readOne(
  r: Reading,
  bytes: Buffer,
  label: string,
  identity: FileIdentity,
  contained = false,
): Promise<{ used: boolean; why: string | null }> {
  const meant =
    identity.kind === 'other' &&
    (identity.format === 'unknown' || identity.format === 'text') &&
    MEANT_AS_SHEET.test(label);
  if ((identity.kind === 'other' && !meant) || identity.kind === 'container') {
    r.notes.push({ filename: label, used: false, why: NOT_A_SHEET });
    return { used: false, why: NOT_A_SHEET };
  }
  const parsed = await r.deps.sheets.read(bytes, {
    catalog: catalogOf(r.deps.schedule),
    referenceDate: r.referenceWeek,
  });
  const checked = parsed.ok ? checkedFor(r, parsed) : { issues: [] };
  const used = parsed.ok && !checked.issues.some((i) => i.severity === 'error');
  r.sheets.push({
    filename: label,
    parsed,
    issues: checked.issues,
    ...(contained ? { contained } : {}),
  });
  r.notes.push({ filename: label, used });
  return { used, why: null };
}

/** A sheet checked against the unit's projects (an office member's sheet is not checked). */
function checkedFor(r: Reading, parsed: ParsedSheet): { issues: Issue[] } {
  if (r.unitId === null) return { issues: [] };
  return checkSheetForUnit(parsed, r.unitId, r.deps.schedule);
}

/** An archive: each file in it that may be the sheet is read; a refusal is said precisely. */
async function openArchive(
  r: Reading,
  a: MailAttachment,
  filename: string,
  identity: Extract<FileIdentity, { kind: 'container' }>,
): Promise<{ used: boolean; why: string | null; files: InnerFileEntry[] }> {
  const refuse = (code: Code) => {
    const why = refusalMessage(code, identity.format);
    r.messageIssues.push(issue(code, `附件“${filename}”：${why}`));
    r.notes.push({ filename, used: false, why });
    return { used: false, why, files: [] };
  };
  const opened = await r.deps.containers.open(a.content, identity.format);
  if (!opened.ok) return refuse(opened.code);
  const files: InnerFileEntry[] = [];
  let used = false;
  let candidates = 0;
  for (const f of opened.files) {
    const inner = r.deps.sheets.identify(f.bytes);
    const label = containedFileLabel(filename, f.path);
    const name = f.path.join('/');
    if (inner.kind === 'other') {
      files.push({ filename: name, format: inner.format, used: false, note: NOT_A_SHEET });
      continue;
    }
    candidates++;
    const read = await readOne(r, f.bytes, label, inner, true);
    used ||= read.used;
    files.push({ filename: name, format: inner.format, used: read.used });
  }
  for (const s of opened.skipped) {
    const why = refusalMessage(s.code);
    files.push({ filename: s.path.join('/'), format: 'unknown', used: false, note: why });
    r.notes.push({ filename: containedFileLabel(filename, s.path), used: false, why });
  }
  if (candidates === 0) {
    // Nothing inside could be the sheet: say why (an encrypted entry says more than "none").
    const code = opened.skipped[0]?.code ?? 'ARCHIVE_NO_SHEET';
    const refused = refuse(code);
    return { ...refused, files };
  }
  return { used, why: null, files };
}

export function isUsable(s: ReadSheet): boolean {
  return s.parsed.ok && !(s.issues ?? []).some((i) => i.severity === 'error');
}

/** Projects of all usable sheets; a project in two sheets is taken from the later one. */
export function mergeProjects(sheets: ReadSheet[]): SheetProject[] {
  const out: SheetProject[] = [];
  const at = new Map<string, number>();
  for (const s of sheets) {
    for (const p of s.parsed.projects) {
      const key = p.projectId ?? `name:${p.name}`;
      const i = at.get(key);
      if (i === undefined) {
        at.set(key, out.length);
        out.push(p);
      } else out[i] = p;
    }
  }
  return out;
}

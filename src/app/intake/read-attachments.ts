/**
 * Reading a message's attachments: every one is listed for recording (its bytes kept when it is
 * a sheet; the caller records them with the message's other writes, in one transaction),
 * every sheet is read and checked against the unit's projects, and every file that is not read
 * gets a note saying why, for the answer.
 */
import type { Schedule } from '../../config/schedule';
import { checkSheetForUnit } from '../../domain/intake/check-sheet';
import type { ParsedMessage } from '../../domain/intake/message';
import type { AttachmentNote, ReadSheet } from '../../domain/intake/replies';
import { catalogOf } from '../../domain/sheet/catalog';
import type { SheetProject } from '../../domain/sheet/parse';
import { REFUSAL_MESSAGES } from '../../domain/sheet/refusals';
import { issue, type Issue } from '../../errors';
import type { ReceivedAttachment } from '../ports/intake-store';
import type { SheetReader } from '../ports/sheet-reader';
import type { IntakeOutcome } from './outcome';

const NOT_A_SHEET = '不是Excel工作簿（.xlsx），未读取';

export interface ReadAttachments {
  /** Every sheet read, usable or not. */
  sheets: ReadSheet[];
  /** One per attachment listed in the answer. */
  notes: AttachmentNote[];
  /** Issues about the message rather than one sheet (an old-format file). */
  messageIssues: Issue[];
  /** No .xlsx at all: only old-format sheets, or nothing. */
  legacyOnly: boolean;
  /** Every attachment, to be recorded. */
  records: ReceivedAttachment[];
}

export async function readAttachments(
  deps: { sheets: SheetReader; schedule: Schedule },
  input: {
    rawMessageId: number;
    msg: ParsedMessage;
    unitId: string;
    /** The week the arrival alone points to: the year of due dates written without one. */
    referenceWeek: string;
  },
  result: IntakeOutcome,
): Promise<ReadAttachments> {
  const { rawMessageId, msg, unitId } = input;
  const sheets: ReadSheet[] = [];
  const notes: AttachmentNote[] = [];
  const messageIssues: Issue[] = [];
  const records: ReceivedAttachment[] = [];
  let legacyOnly = true;
  for (const [ordinal, a] of msg.attachments.entries()) {
    if (a.embedded && a.kind === 'other') continue;
    const entry = {
      filename: a.filename || '(未命名附件)',
      contentType: a.contentType,
      used: false,
    };
    result.attachments.push(entry);
    let why: string | undefined;
    if (a.kind === 'sheet') {
      legacyOnly = false;
      const parsed = await deps.sheets.read(a.content, {
        catalog: catalogOf(deps.schedule),
        referenceDate: input.referenceWeek,
      });
      const checked = parsed.ok
        ? checkSheetForUnit(parsed, unitId, deps.schedule)
        : { issues: [], unitProjects: [] };
      const usable = parsed.ok && !checked.issues.some((i) => i.severity === 'error');
      sheets.push({ filename: entry.filename, parsed, issues: checked.issues });
      entry.used = usable;
    } else if (a.kind === 'legacy_sheet') {
      why = REFUSAL_MESSAGES.LEGACY_FORMAT;
      messageIssues.push(
        issue('LEGACY_FORMAT', `附件“${entry.filename}”：${REFUSAL_MESSAGES.LEGACY_FORMAT}`),
      );
    } else {
      why = NOT_A_SHEET;
    }
    notes.push({ filename: entry.filename, used: entry.used, ...(why ? { why } : {}) });
    records.push({
      rawMessageId,
      ordinal,
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      keepBytes: a.kind !== 'other',
      used: entry.used,
      note: why ?? null,
    });
  }
  return { sheets, notes, messageIssues, legacyOnly, records };
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

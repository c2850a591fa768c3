/** The IntakeStore port over the storage functions (SQLite or PostgreSQL through Kysely). */
import type {
  IntakeAuditEntry,
  IntakeStore,
  MessageOutcome,
  ReceivedAttachment,
  RecordedSubmission,
  StoredMessage,
  SubmissionToRecord,
} from '../../app/ports/intake-store';
import type { SheetProject } from '../../domain/sheet/parse';
import { recordAttachment } from './attachments';
import { audit } from './audit';
import type { Db } from './connection';
import { claimMessageId, getRawMessage, setRawMessageOutcome } from './raw-messages';
import type { NewSubmissionProject } from './submission-content';
import { recordSubmission } from './submissions';
import { digestSentAt } from './week-reads';

export class DbIntakeStore implements IntakeStore {
  constructor(private readonly db: Db) {}

  async storedMessage(rawMessageId: number): Promise<StoredMessage | null> {
    const row = await getRawMessage(this.db, rawMessageId);
    if (!row) return null;
    return {
      id: row.id,
      raw: row.raw,
      size: row.size,
      truncated: Boolean(row.truncated),
      declaredSize: row.declared_size,
      internalDate: row.internal_date ? new Date(row.internal_date) : null,
      receivedAt: new Date(row.received_at),
    };
  }

  async recordOutcome(rawMessageId: number, outcome: MessageOutcome, now: Date): Promise<void> {
    await setRawMessageOutcome(this.db, rawMessageId, { ...outcome, now });
  }

  claimMessageId(
    claim: { rawMessageId: number; sender: string; messageId: string },
    now: Date,
  ): Promise<number> {
    return claimMessageId(this.db, { ...claim, now });
  }

  async recordAttachment(attachment: ReceivedAttachment, now: Date): Promise<void> {
    await recordAttachment(this.db, { ...attachment, now });
  }

  async recordSubmission(s: SubmissionToRecord, now: Date): Promise<RecordedSubmission> {
    const recorded = await recordSubmission(this.db, {
      ...s,
      projects: s.projects.map(toStoredProject),
      now,
    });
    return { id: recorded.id, current: recorded.current, isNew: recorded.isNew };
  }

  async audit(entry: IntakeAuditEntry, now: Date): Promise<void> {
    await audit(this.db, { ...entry, now });
  }

  async digestsSent(weeks: readonly string[]): Promise<Map<string, Date | null>> {
    const sent = new Map<string, Date | null>();
    for (const week of weeks) sent.set(week, await digestSentAt(this.db, week));
    return sent;
  }
}

/** A project block as read from the sheet, in the columns it is stored in. */
function toStoredProject(p: SheetProject): NewSubmissionProject {
  return {
    nameAsWritten: p.name,
    projectId: p.projectId,
    leadUnits: p.leadUnits,
    problems: p.problems,
    uncategorizedProblems: p.uncategorizedProblems,
    responsibleDepartments: p.responsibleDepartments,
    progress: p.progress,
    nextSteps: p.nextSteps,
    cell: p.cell,
    targets: p.targets.map((t) => ({
      text: t.text,
      due: t.due,
      dueText: t.dueText,
      status: t.status,
      cell: t.cell,
    })),
  };
}

/**
 * The outbox port: how a use case hands over a composed mail and has it delivered. The adapter
 * freezes the mail into bytes once when it is queued and sends those bytes at most once per
 * claim (src/adapters/mail/send.ts documents the lease and the possible-duplicate policy).
 */
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';

/** What one delivery attempt came to. */
export type SendOutcome =
  'sent' | 'already_sent' | 'claimed_elsewhere' | 'retry' | 'failed' | 'capped';

/** What a queued mail is, without its bytes: for reports. */
export interface QueuedMailSummary {
  key: string;
  kind: string;
  subject: string;
  status: string;
}

export interface Outbox {
  /** Stores a composed mail under its key, once; true when it was not stored before. */
  queue(mail: OutgoingMail): Promise<boolean>;
  /** Sends the mail queued under this key (at most once per claim, whoever calls). */
  deliver(key: string, claimedBy: string): Promise<SendOutcome | 'missing'>;
  /** The queued mail's summary, or null when nothing is queued under the key. */
  summary(key: string): Promise<QueuedMailSummary | null>;
  /** The queued mail read back from its stored bytes (null when none, or it was refused). */
  stored(key: string): Promise<OutgoingMail | null>;
  /** Withdraws a mail not yet sent (a reminder no longer due); true when it was withdrawn. */
  withdraw(key: string): Promise<boolean>;
}

/**
 * Sending the Monday digest to its audiences through the outbox, exactly once per version
 * (src/app/digest/editions.ts explains the versions).
 */
import type { Schedule } from '../../config/schedule';
import { recipientsOf, type Recipients } from '../../domain/programme';
import type { DigestModel } from '../../domain/digest';
import { digestKey } from '../../domain/mail-key';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import type { Clock } from '../ports/clock';
import type { Outbox, SendOutcome } from '../ports/outbox';
import { buildDigest, type DigestBuild, type DigestBuildDeps } from './build';
import { digestVersions, nextDigestEdition, sentBefore } from './editions';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The digest's To and Cc from cycle.digest, each address once (To wins over Cc). */
export function digestRecipients(schedule: Schedule): Recipients {
  // Unit audiences are refused for the digest by the schedule's validation: no unit here.
  return recipientsOf(schedule, schedule.cycle.digest, null);
}

export function composeDigestMail(
  schedule: Schedule,
  from: string,
  week: string,
  built: DigestBuild,
): OutgoingMail {
  const { to, cc } = digestRecipients(schedule);
  return {
    key: digestKey(week, built.version),
    kind: 'digest',
    autoSubmitted: 'auto-generated',
    from: { name: schedule.programme.signature, address: from },
    to,
    cc,
    subject: built.subject,
    text: built.text,
    html: built.html,
    inReplyTo: null,
    references: [],
    attachments: [
      { filename: built.attachmentName, contentType: XLSX_TYPE, content: built.xlsx },
      // A compact digest's full detail, readable in any browser.
      ...(built.fullHtml !== null
        ? [
            {
              filename: built.fullHtmlName,
              contentType: 'text/html; charset=utf-8',
              content: new TextEncoder().encode(built.fullHtml),
            },
          ]
        : []),
    ],
    reportingWeek: week,
  };
}

export interface DigestSendDeps extends DigestBuildDeps {
  outbox: Outbox;
  clock: Clock;
  schedule: Schedule;
  /** The From address (MAIL_FROM, else the programme mailbox). */
  from: string;
  /** Names this attempt in the claim. */
  claimedBy: string;
}

export interface DigestSendResult {
  key: string;
  version: number;
  /** True when an already queued version was delivered rather than a new one built. */
  retried: boolean;
  outcome: SendOutcome | 'missing';
  /** The mail as queued (what was, or will be, sent). */
  mail: OutgoingMail;
  /** The model it was built from; null when a queued version was delivered as composed. */
  model: DigestModel | null;
}

/**
 * Sends the week's digest: a new version, or the queued one that has not gone out yet (see the
 * module comment). `version` forces a version (an admin re-running a send that was interrupted).
 */
export async function sendDigest(
  deps: DigestSendDeps,
  week: string,
  options: { version?: number } = {},
): Promise<DigestSendResult> {
  const { outbox, schedule } = deps;
  const now = deps.clock.now();
  const versions = await digestVersions(deps.reads, week);
  const choice = nextDigestEdition(versions);
  const version = options.version ?? choice.version;
  const key = digestKey(week, version);
  const retried = (await outbox.summary(key)) !== null;
  let model: DigestModel | null = null;
  let composed: OutgoingMail | null = null;
  if (!retried) {
    const built = await buildDigest(deps, schedule, week, now, {
      version,
      previousSentAt: sentBefore(versions, version),
    });
    // A concurrent send of the same version may have queued it first: theirs is the one sent.
    model = built.model;
    composed = composeDigestMail(schedule, deps.from, week, built);
    await outbox.queue(composed);
  }
  // What was queued, read back from its bytes (a refused mail has none: then what was built).
  const mail = (await outbox.stored(key)) ?? composed;
  if (!mail) throw new Error(`digest ${key} was queued but cannot be read back`);
  const outcome = await outbox.deliver(key, deps.claimedBy);
  return { key, version, retried, outcome, mail, model };
}

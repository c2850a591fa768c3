/**
 * The key of a logical mail: what makes sending it exactly-once (one outgoing_mails row per key)
 * and what its Message-ID is derived from. One format, one parse: nothing else builds a key
 * string or takes one apart by position.
 *
 * The strings are stored in real databases, so their format never changes:
 *   reply:<raw message id>                 the answer to a received message (receipt, request, …)
 *   release:<raw message id>:<n>           the answer to the n-th release of a quarantined message
 *   reprocess:<raw message id>:<n>         the answer to the n-th reprocessing by the office
 *   reminder:<week>:<unit id>:<stage id>   a reminder stage to a unit for a week
 *   digest:<week>:v<version>               a version of a week's digest
 *   config-error:<sha-256 of the file>     the admin's notice of a refused schedule change
 *   login:<sha-256 of the token>           a console sign-in link
 * Unit and stage ids match /^[a-z0-9][a-z0-9_-]*$/ (the schedule schema), so ':' separates safely.
 */

export type MailKey =
  | { kind: 'reply'; rawMessageId: number }
  | { kind: 'release'; rawMessageId: number; release: number }
  | { kind: 'reprocess'; rawMessageId: number; reprocess: number }
  | { kind: 'reminder'; week: string; unitId: string; stage: string }
  | { kind: 'digest'; week: string; version: number }
  | { kind: 'config-error'; sha: string }
  | { kind: 'login'; tokenHash: string };

const WEEK = String.raw`\d{4}-\d{2}-\d{2}`;
const ID = '[a-z0-9][a-z0-9_-]*';
const PATTERNS = {
  reply: /^reply:([1-9]\d*)$/,
  release: /^release:([1-9]\d*):([1-9]\d*)$/,
  reprocess: /^reprocess:([1-9]\d*):([1-9]\d*)$/,
  reminder: new RegExp(`^reminder:(${WEEK}):(${ID}):(${ID})$`),
  digest: new RegExp(`^digest:(${WEEK}):v([1-9]\\d*)$`),
  configError: /^config-error:([0-9a-f]{1,64})$/,
  login: /^login:([0-9a-f]{64})$/,
};

export function formatMailKey(key: MailKey): string {
  switch (key.kind) {
    case 'reply':
      return `reply:${key.rawMessageId}`;
    case 'release':
      return `release:${key.rawMessageId}:${key.release}`;
    case 'reprocess':
      return `reprocess:${key.rawMessageId}:${key.reprocess}`;
    case 'reminder':
      return `reminder:${key.week}:${key.unitId}:${key.stage}`;
    case 'digest':
      return `digest:${key.week}:v${key.version}`;
    case 'config-error':
      return `config-error:${key.sha}`;
    case 'login':
      return `login:${key.tokenHash}`;
  }
}

/** The key a string holds, or null when it is none of duban's formats (a test's free key …). */
export function parseMailKey(text: string): MailKey | null {
  let m = PATTERNS.reply.exec(text);
  if (m?.[1]) return { kind: 'reply', rawMessageId: Number(m[1]) };
  m = PATTERNS.release.exec(text);
  if (m?.[1] && m[2]) return { kind: 'release', rawMessageId: Number(m[1]), release: Number(m[2]) };
  m = PATTERNS.reprocess.exec(text);
  if (m?.[1] && m[2])
    return { kind: 'reprocess', rawMessageId: Number(m[1]), reprocess: Number(m[2]) };
  m = PATTERNS.reminder.exec(text);
  if (m?.[1] && m[2] && m[3]) return { kind: 'reminder', week: m[1], unitId: m[2], stage: m[3] };
  m = PATTERNS.digest.exec(text);
  if (m?.[1] && m[2]) return { kind: 'digest', week: m[1], version: Number(m[2]) };
  m = PATTERNS.configError.exec(text);
  if (m?.[1]) return { kind: 'config-error', sha: m[1] };
  m = PATTERNS.login.exec(text);
  if (m?.[1]) return { kind: 'login', tokenHash: m[1] };
  return null;
}

export const replyKey = (rawMessageId: number): string =>
  formatMailKey({ kind: 'reply', rawMessageId });
/** The answer to the `release`-th release (1, 2, …) of a quarantined message. */
export const releaseKey = (rawMessageId: number, release: number): string =>
  formatMailKey({ kind: 'release', rawMessageId, release });
/** The answer to the office's `reprocess`-th reprocessing (1, 2, …) of a stored message. */
export const reprocessKey = (rawMessageId: number, reprocess: number): string =>
  formatMailKey({ kind: 'reprocess', rawMessageId, reprocess });
/** The keys an answer to a message may have been sent under (reply, release, reprocess). */
export function isAnswerTo(key: string, rawMessageId: number): boolean {
  const k = parseMailKey(key);
  return (
    k !== null &&
    (k.kind === 'reply' || k.kind === 'release' || k.kind === 'reprocess') &&
    k.rawMessageId === rawMessageId
  );
}
export const reminderKey = (week: string, unitId: string, stage: string): string =>
  formatMailKey({ kind: 'reminder', week, unitId, stage });
export const digestKey = (week: string, version: number): string =>
  formatMailKey({ kind: 'digest', week, version });
export const configErrorKey = (sha: string): string => formatMailKey({ kind: 'config-error', sha });
/** A console sign-in link, by the sha-256 of its token (never the token itself). */
export const loginKey = (tokenHash: string): string => formatMailKey({ kind: 'login', tokenHash });

/** The LIKE prefix of every digest version of a week (for listing them in SQL). */
export function digestKeyPrefix(week: string): string {
  return `digest:${week}:v`;
}

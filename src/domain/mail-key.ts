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
 *   assignment:<YYYYMMDD>:<unit id>:<hash> a 交办 notice of a meeting's items to a unit (hash: the
 *                                          first 8 hex of the sha-256 of the items it lists, so a
 *                                          corrected list that changes them gives a new notice)
 *   notice:<item id>:<colour>:<unit id>    a supervision notice (督办单) of one colour to a unit
 *   sendback:<item id>:<n>                 the n-th sending back of an item reported done
 *   departments:<week>:<unit id>           the weekly list of open problems naming a department
 * Unit and stage ids match /^[a-z0-9][a-z0-9_-]*$/ (the schedule schema), so ':' separates safely.
 */

export type MailKey =
  | { kind: 'reply'; rawMessageId: number }
  | { kind: 'release'; rawMessageId: number; release: number }
  | { kind: 'reprocess'; rawMessageId: number; reprocess: number }
  | { kind: 'reminder'; week: string; unitId: string; stage: string }
  | { kind: 'digest'; week: string; version: number }
  | { kind: 'config-error'; sha: string }
  | { kind: 'login'; tokenHash: string }
  | { kind: 'assignment'; meeting: string; unitId: string; hash: string }
  | { kind: 'notice'; itemId: string; colour: 'blue' | 'yellow' | 'red'; unitId: string }
  | { kind: 'sendback'; itemId: string; n: number }
  | { kind: 'departments'; week: string; unitId: string };

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
  assignment: new RegExp(`^assignment:(\\d{8}):(${ID}):([0-9a-f]{8})$`),
  notice: new RegExp(`^notice:(\\d{8}-[1-9]\\d*):(blue|yellow|red):(${ID})$`),
  sendback: /^sendback:(\d{8}-[1-9]\d*):([1-9]\d*)$/,
  departments: new RegExp(`^departments:(${WEEK}):(${ID})$`),
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
    case 'assignment':
      return `assignment:${key.meeting}:${key.unitId}:${key.hash}`;
    case 'notice':
      return `notice:${key.itemId}:${key.colour}:${key.unitId}`;
    case 'sendback':
      return `sendback:${key.itemId}:${key.n}`;
    case 'departments':
      return `departments:${key.week}:${key.unitId}`;
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
  m = PATTERNS.assignment.exec(text);
  if (m?.[1] && m[2] && m[3])
    return { kind: 'assignment', meeting: m[1], unitId: m[2], hash: m[3] };
  m = PATTERNS.notice.exec(text);
  if (m?.[1] && m[2] && m[3])
    return {
      kind: 'notice',
      itemId: m[1],
      colour: m[2] as 'blue' | 'yellow' | 'red',
      unitId: m[3],
    };
  m = PATTERNS.sendback.exec(text);
  if (m?.[1] && m[2]) return { kind: 'sendback', itemId: m[1], n: Number(m[2]) };
  m = PATTERNS.departments.exec(text);
  if (m?.[1] && m[2]) return { kind: 'departments', week: m[1], unitId: m[2] };
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

/** A 交办 notice of a meeting's (YYYYMMDD) items to a unit; `hash` names the items listed. */
export const assignmentKey = (meeting: string, unitId: string, hash: string): string =>
  formatMailKey({ kind: 'assignment', meeting, unitId, hash });
/** A supervision notice (督办单) of one colour about one item to one unit. */
export const noticeKey = (
  itemId: string,
  colour: 'blue' | 'yellow' | 'red',
  unitId: string,
): string => formatMailKey({ kind: 'notice', itemId, colour, unitId });
/** The n-th sending back (1, 2, …) of an item reported done. */
export const sendbackKey = (itemId: string, n: number): string =>
  formatMailKey({ kind: 'sendback', itemId, n });
/** The weekly list of open problems naming a responsible department. */
export const departmentsKey = (week: string, unitId: string): string =>
  formatMailKey({ kind: 'departments', week, unitId });

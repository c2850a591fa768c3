/**
 * Header safety for replies to untrusted mail: its subject, Message-ID and references end up in
 * our headers, so nothing from it may start a header of its own; malformed Message-IDs are
 * dropped rather than repaired.
 */
import { oneLine } from '../../one-line';
import type { OriginalMessage } from './types';

const SUBJECT_MAX = 120;
/** RFC 5322 allows trimming long References; keep the first id (the thread's root) and the rest. */
const MAX_REFERENCES = 20;
const MESSAGE_ID_MAX = 250;

/**
 * Makes untrusted text safe for a header value or a display name (one-line.ts): every control,
 * format or separator character becomes a space, runs of whitespace one space, and the text is
 * capped at `max` code points, ending in "…" when cut.
 */
export function headerText(text: string, max = SUBJECT_MAX): string {
  return oneLine(text, max);
}

/**
 * A Message-ID as `<left@right>`, or null when it is not one. Only printable ASCII without
 * spaces, angle brackets or a second "@" is accepted: anything else is dropped, not repaired.
 */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  const bare = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  if (bare.length === 0 || bare.length > MESSAGE_ID_MAX) return null;
  if (!/^[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+$/.test(bare)) return null;
  return `<${bare}>`;
}

/** In-Reply-To and References for a reply to `original` (RFC 5322 §3.6.4). */
export function threadHeaders(original: OriginalMessage): {
  inReplyTo: string | null;
  references: string[];
} {
  const inReplyTo = normaliseMessageId(original.messageId);
  const ids: string[] = [];
  for (const raw of [...original.references, ...(inReplyTo ? [inReplyTo] : [])]) {
    const id = normaliseMessageId(raw);
    if (id && !ids.includes(id)) ids.push(id);
  }
  const references =
    ids.length > MAX_REFERENCES
      ? [ids[0] as string, ...ids.slice(ids.length - (MAX_REFERENCES - 1))]
      : ids;
  return { inReplyTo, references };
}

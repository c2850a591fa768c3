/**
 * An attachment taken again from its stored raw message, for a download when its bytes were not
 * kept (the intake keeps only candidate sheets). Same hardened reader as the intake; `ordinal` is
 * the position the intake recorded it under.
 */
import { DubanError } from '../../errors';
import { parseMessage } from './parse-message';

export async function extractAttachment(
  raw: Buffer,
  ordinal: number,
): Promise<{ filename: string; content: Buffer } | null> {
  try {
    const msg = await parseMessage(raw, { maxBytes: raw.length });
    const a = msg.attachments[ordinal];
    return a ? { filename: a.filename, content: a.content } : null;
  } catch (err) {
    if (err instanceof DubanError) return null;
    throw err;
  }
}

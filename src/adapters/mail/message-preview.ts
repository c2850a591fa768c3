/**
 * What the office sees of a held message (`duban quarantine list`): its attachments as decoded
 * (name, type, size) and the first lines of its body. Read from the stored raw bytes with the
 * same hardened reader as the intake, so a hostile message shows only why it could not be read.
 */
import { bodyExcerpt } from '../../domain/intake/body-excerpt';
import { DubanError } from '../../errors';
import { parseMessage } from './parse-message';

export interface PreviewAttachment {
  /** Decoded file name; "(未命名附件)" when it has none. */
  filename: string;
  contentType: string;
  size: number;
  /**
   * For an archive or winmail.dat: the files inside it, nested containers' names joined by
   * " > " (given by `innerNames`; absent when it is none or could not be opened).
   */
  inner?: string[];
}

export interface MessagePreview {
  attachments: PreviewAttachment[];
  /** The body's first 3 lines, on one line, at most 200 characters. */
  firstLines: string;
  /** The error code when the message could not be read (then nothing else is shown). */
  unreadable: string | null;
}

/** The names of the files inside an attachment that is a container, or undefined. */
export type InnerNames = (content: Buffer) => Promise<string[] | undefined>;

export async function previewMessage(
  raw: Buffer,
  maxBytes: number,
  innerNames: InnerNames = () => Promise.resolve(undefined),
): Promise<MessagePreview> {
  try {
    const msg = await parseMessage(raw, { maxBytes: Math.max(maxBytes, raw.length) });
    const attachments: PreviewAttachment[] = [];
    for (const a of msg.attachments) {
      if (a.embedded && a.kind === 'other') continue;
      const inner = await innerNames(a.content);
      attachments.push({
        filename: a.filename || '(未命名附件)',
        contentType: a.contentType,
        size: a.size,
        ...(inner ? { inner } : {}),
      });
    }
    return {
      attachments,
      firstLines: bodyExcerpt(msg.text),
      unreadable: null,
    };
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    return { attachments: [], firstLines: '', unreadable: err.code };
  }
}

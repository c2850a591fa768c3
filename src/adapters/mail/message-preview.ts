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
  /** Names of the files inside an archive (filled when archives are opened; absent for now). */
  inner?: string[];
}

export interface MessagePreview {
  attachments: PreviewAttachment[];
  /** The body's first 3 lines, on one line, at most 200 characters. */
  firstLines: string;
  /** The error code when the message could not be read (then nothing else is shown). */
  unreadable: string | null;
}

export async function previewMessage(raw: Buffer, maxBytes: number): Promise<MessagePreview> {
  try {
    const msg = await parseMessage(raw, { maxBytes: Math.max(maxBytes, raw.length) });
    return {
      attachments: msg.attachments
        .filter((a) => !(a.embedded && a.kind === 'other'))
        .map((a) => ({
          filename: a.filename || '(未命名附件)',
          contentType: a.contentType,
          size: a.size,
        })),
      firstLines: bodyExcerpt(msg.text),
      unreadable: null,
    };
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    return { attachments: [], firstLines: '', unreadable: err.code };
  }
}

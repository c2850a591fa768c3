/**
 * The office's preview of a stored message (`duban quarantine list`, the console's /messages and
 * /quarantine pages): the hardened reader with archives opened for their inner names.
 */
import { sniffFile } from '../adapters/formats/sniff';
import {
  previewMessage,
  type InnerNames,
  type MessagePreview,
} from '../adapters/mail/message-preview';
import { containerOpener } from './converters';

export function messagePreviewer(
  maxMessageBytes: number,
): (raw: Buffer) => Promise<MessagePreview> {
  const opener = containerOpener();
  const innerNames: InnerNames = async (content) => {
    const identity = sniffFile(content);
    if (identity.kind !== 'container') return undefined;
    const opened = await opener.open(content, identity.format);
    return opened.ok ? opened.files.map((f) => f.path.join(' > ')) : undefined;
  };
  return (raw) => previewMessage(raw, maxMessageBytes, innerNames);
}

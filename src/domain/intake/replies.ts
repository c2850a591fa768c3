/**
 * The automatic replies to a mail sent to the office mailbox: a receipt (已收到), a request to
 * correct and send again (请修改后重新发送), a neutral answer to an unregistered sender, and a
 * notice that a message was too large. Pure: every function takes the data and `now` and
 * returns the mail's parts; sending (and validating the addresses once more) is the mail
 * adapter's job (src/adapters/mail/send.ts).
 *
 * Hazards, all from the incoming mail being untrusted:
 * - Its subject, Message-ID and references end up in our headers. `headerText` and
 *   `threadHeaders` strip CR/LF and every other control or bidi character and cap the length,
 *   so nothing from the incoming mail can start a header of its own; malformed Message-IDs are
 *   dropped rather than repaired.
 * - The sender's display name is never used: a known unit is addressed by its schedule name,
 *   anyone else by address only.
 * - An unknown sender learns nothing (no unit, project or schedule content, not even its own
 *   subject echoed back: a reflected subject would let anyone use the office mailbox to send
 *   text of their choosing to a forged address).
 * Text that comes from a sheet (project and department names, file names) only appears in the
 * body, flattened to one line and capped, and is HTML-escaped in the HTML alternative.
 */
export * from './reply/types';
export { headerText, normaliseMessageId, threadHeaders } from './reply/headers';
export { composeReceipt } from './reply/receipt';
export { composeCorrectionRequest, noAttachmentIssue } from './reply/correction';
export { composeTooLargeReply, composeUnknownSenderReply } from './reply/notices';
export { composeUnreadableReply, type UnreadableCause } from './reply/unreadable';
export { cloudLinkNotes, composeCloudLinkRequest, type CloudLinkInput } from './reply/cloud-link';
export {
  composeItemListConfirmation,
  composeItemListRefusal,
  type ItemListConfirmationInput,
} from './reply/item-list';

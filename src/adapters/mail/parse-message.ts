/**
 * Reading one raw message (RFC 5322 bytes, as fetched from IMAP) into what duban needs: who sent
 * it, what it says about itself (the headers that tell automatic mail apart), and its attachments
 * with correctly decoded Chinese names, including those inside forwarded messages.
 *
 * mailparser does the MIME work; this module hardens it:
 * - Limits: the caller bounds the size it fetches, and `maxBytes` is checked again here
 *   (MESSAGE_TOO_LARGE). Nesting, part count and header size are checked by prepare-raw.ts before
 *   mailparser builds anything (MESSAGE_TOO_COMPLEX), and the work spent on forwarded messages,
 *   which are parsed again one by one, has a byte budget of its own.
 * - Charsets: GB2312/GBK labels are read as GB18030, raw 8-bit GBK header bytes are recovered
 *   (prepare-raw.ts, charsets.ts).
 * - Forwarded mail: mailparser lists a forwarded `message/rfc822` part as one opaque attachment,
 *   so a sheet a secretary forwards would be missed. Such parts are parsed again, to a bounded
 *   depth, and their attachments listed with `viaForward: true`.
 * - Untrusted text: subject, names and header values come out on one line (CR/LF and control
 *   characters replaced), without bidi controls, and capped, so they cannot start a header or a
 *   log line of their own when they are echoed later.
 * - Errors: malformed MIME is read as far as it goes; the only exceptions are DubanErrors with a
 *   registered code. Nothing here logs, and no body or attachment content goes into an error.
 */
import { sniffFile } from '../formats/sniff';
import { isUtf8 } from 'node:buffer';
import {
  simpleParser,
  type AddressObject,
  type Attachment,
  type EmailAddress,
  type ParsedMail,
  type SimpleParserOptions,
} from 'mailparser';
import type { AttachmentKind, IntakeHeaders, MailAddress } from '../../domain/intake/classify';
import type { MailAttachment, ParsedMessage } from '../../domain/intake/message';
import { capCodePoints, oneLine } from '../../domain/one-line';
import { normalizeAddress } from '../../domain/intake/sender';
import { DubanError } from '../../errors';
import { prepareRawMessage } from './prepare-raw';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parsed-message';

export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parsed-message';
// The message as the domain reads it lives in the domain; this module fills it.
export type { ForwardedMessage, MailAttachment, ParsedMessage } from '../../domain/intake/message';

const MIB = 1024 * 1024;

const MAX_SUBJECT = 500;
const MAX_NAME = 200;
const MAX_FILENAME = 255;
const MAX_HEADER_VALUE = 2000;
const MAX_HEADER_VALUES = 50;
const MAX_REFERENCES = 100;
const MAX_ADDRESSES = 500;
const MAX_TEXT = 100_000;
/** HTML is wordier than the text it shows (styles, Office markup): a larger cap. */
const MAX_HTML = 1_000_000;

/**
 * A file name as people see it: decoded by mailparser, without the directory some old clients
 * send ("C:\\Users\\…\\附件.xlsx"), on one line, without bidi controls.
 */
function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  return oneLine(base, MAX_FILENAME, '');
}

/**
 * Whether an attachment may carry the sheet, from its content (sniff.ts): a workbook, a text
 * table, a Word document, an archive or winmail.dat, or a password-protected one of these. Never
 * from the name or the MIME type: clients send application/octet-stream, OA systems name HTML
 * tables "报表.xls", and a .et is a BIFF8 workbook.
 */
export function attachmentKind(content: Buffer): AttachmentKind {
  return sniffFile(content).kind === 'other' ? 'other' : 'sheet';
}

function flattenAddresses(list: EmailAddress[]): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const entry of list) {
    if (entry.group) out.push(...entry.group);
    else out.push(entry);
    if (out.length >= MAX_ADDRESSES) break;
  }
  return out.slice(0, MAX_ADDRESSES);
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  for (const entry of flattenAddresses(objects.flatMap((o) => o.value))) {
    const address = normalizeAddress(entry.address);
    if (address !== null) out.push({ address, name: oneLine(entry.name ?? '', MAX_NAME, '') });
  }
  return out;
}

function isAddressObject(value: unknown): value is AddressObject {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value)
  );
}

function firstAddress(value: unknown): MailAddress | null {
  const objects = (Array.isArray(value) ? value : [value]).filter(isAddressObject);
  return addresses(objects)[0] ?? null;
}

/** Raw header values by lower-cased name, from mailparser's unparsed header lines. */
function rawHeaderValues(mail: ParsedMail): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines ?? []) {
    const list = values.get(key) ?? [];
    if (list.length >= MAX_HEADER_VALUES) continue;
    // The line holds the raw bytes one per character; after prepare-raw they are UTF-8 or ASCII.
    const bytes = Buffer.from(line, 'latin1');
    const text = isUtf8(bytes) ? bytes.toString('utf8') : line;
    const colon = text.indexOf(':');
    // Unfolding (RFC 5322 2.2.3) removes the line break only, keeping the space after it.
    const unfolded = text.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '');
    list.push(oneLine(unfolded, MAX_HEADER_VALUE, ''));
    values.set(key, list);
  }
  return values;
}

export function intakeHeaders(raw: ReadonlyMap<string, string[]>): IntakeHeaders {
  const get = (name: string): string[] => raw.get(name) ?? [];
  return {
    autoSubmitted: get('auto-submitted'),
    xAutoreply: get('x-autoreply'),
    xAutorespond: get('x-autorespond'),
    xAutoResponseSuppress: get('x-auto-response-suppress'),
    precedence: get('precedence'),
    returnPath: get('return-path'),
    contentType: get('content-type'),
    xLoop: get('x-loop'),
    listId: get('list-id'),
    authenticationResults: get('authentication-results'),
    xFailedRecipients: get('x-failed-recipients'),
    dispositionNotificationTo: get('disposition-notification-to'),
    xForwardedFor: get('x-forwarded-for'),
    xForwardedTo: get('x-forwarded-to'),
    xMsExchangeInboxRulesLoop: get('x-ms-exchange-inbox-rules-loop'),
    resentFrom: get('resent-from'),
    resentTo: get('resent-to'),
    resentSender: get('resent-sender'),
    xOriginalTo: get('x-original-to'),
    deliveredTo: get('delivered-to'),
  };
}

/** mailparser sets an unreadable Date header to the current time; we want null instead. */
function headerDate(raw: Map<string, string[]>): Date | null {
  const value = raw.get('date')?.[0];
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function messageIdOrNull(value: string | undefined): string | null {
  const id = oneLine(value ?? '', 998, '');
  return id === '' ? null : id;
}

function referenceList(value: string | string[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list
    .map((id) => oneLine(id, 998, ''))
    .filter((id) => id !== '')
    .slice(-MAX_REFERENCES);
}

function parserOptions(limits: ParseLimits): SimpleParserOptions {
  return {
    // Forwarded messages are parsed by us (parseLevel), with depth and work bounded.
    ignoreEmbedded: true,
    // No HTML rewriting or linkifying: we only read text and attachments.
    keepCidLinks: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: 2 * MIB,
    // Hashing is the storage layer's business (and md5 is unavailable on FIPS hosts).
    checksumAlgo: false,
    maxHeadSize: limits.maxHeaderBytes,
    maxChildNodes: limits.maxParts,
  };
}

function parserError(err: unknown): DubanError {
  const reason = err instanceof Error ? oneLine(err.message, 200, '') : 'unknown error';
  if ((err as { code?: unknown } | null)?.code === 'EMAXLEN') {
    return new DubanError('MESSAGE_TOO_COMPLEX', 'The message exceeds the MIME parser limits.', {
      reason,
    });
  }
  return new DubanError('MESSAGE_UNREADABLE', 'The message could not be parsed as MIME.', {
    reason,
  });
}

function isForwardedMessage(attachment: Attachment): boolean {
  return attachment.contentType === 'message/rfc822' || attachment.contentType === 'message/global';
}

/** Multipart levels above a part, from its IMAP-style part number ("1.2" → 2). */
function multipartDepth(partId: string | null): number {
  return partId ? partId.split('.').length : 0;
}

function toAttachment(attachment: Attachment): MailAttachment {
  // mailparser's typings promise strings, but a part with an empty Content-Type yields `false`.
  const filename = cleanFilename(
    typeof attachment.filename === 'string' ? attachment.filename : undefined,
  );
  const contentType =
    typeof attachment.contentType === 'string' && attachment.contentType !== ''
      ? attachment.contentType.toLowerCase()
      : 'application/octet-stream';
  return {
    filename,
    contentType,
    size: attachment.content.length,
    content: attachment.content,
    viaForward: false,
    kind: attachmentKind(attachment.content),
    embedded: attachment.related === true,
  };
}

interface Budget {
  bytesLeft: number;
}

async function parseLevel(
  raw: Buffer,
  depth: number,
  limits: ParseLimits,
  budget: Budget,
): Promise<ParsedMessage> {
  budget.bytesLeft -= raw.length;
  if (budget.bytesLeft < 0) {
    throw new DubanError(
      'MESSAGE_TOO_COMPLEX',
      `The message and the messages forwarded inside it exceed ${limits.maxParsedBytes} bytes in total.`,
    );
  }
  const prepared = prepareRawMessage(raw, limits, depth);
  if (!prepared.hasHeaderFields) {
    throw new DubanError('MESSAGE_UNREADABLE', 'The input has no header fields: not a message.');
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(prepared.raw, parserOptions(limits));
  } catch (err) {
    throw parserError(err);
  }
  const headers = rawHeaderValues(mail);
  const message: ParsedMessage = {
    messageId: messageIdOrNull(mail.messageId),
    inReplyTo: messageIdOrNull(mail.inReplyTo),
    references: referenceList(mail.references),
    from: firstAddress(mail.from),
    sender: firstAddress(mail.headers?.get('sender')),
    replyTo: firstAddress(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: oneLine(mail.subject ?? '', MAX_SUBJECT, ''),
    date: headerDate(headers),
    headers: intakeHeaders(headers),
    text: capCodePoints(mail.text ?? '', MAX_TEXT, ''),
    html: typeof mail.html === 'string' ? capCodePoints(mail.html, MAX_HTML, '') : null,
    attachments: [],
    forwarded: [],
    size: raw.length,
  };
  for (const attachment of mail.attachments) {
    if (isForwardedMessage(attachment)) {
      // mailparser's own "decoderended" fixture: a forward with an empty message/rfc822 part.
      if (attachment.content.length === 0) continue;
      const innerDepth = depth + multipartDepth(attachment.partId) + 1;
      try {
        const inner = await parseLevel(attachment.content, innerDepth, limits, budget);
        message.forwarded.push(
          {
            from: inner.from,
            subject: inner.subject,
            date: inner.date,
            messageId: inner.messageId,
          },
          ...inner.forwarded,
        );
        message.attachments.push(...inner.attachments.map((a) => ({ ...a, viaForward: true })));
        continue;
      } catch (err) {
        // A forwarded part we cannot read is kept as a file rather than dropped; limits still
        // refuse the whole message.
        if (err instanceof DubanError && err.code !== 'MESSAGE_UNREADABLE') throw err;
      }
    }
    message.attachments.push(toAttachment(attachment));
  }
  return message;
}

/**
 * Parse a raw message. Throws DubanError MESSAGE_TOO_LARGE, MESSAGE_TOO_COMPLEX or
 * MESSAGE_UNREADABLE; anything else that is merely malformed is read as far as it goes.
 */
export async function parseMessage(
  raw: Buffer,
  limits: Partial<ParseLimits> = {},
): Promise<ParsedMessage> {
  const effective: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  if (limits.maxBytes !== undefined && limits.maxParsedBytes === undefined) {
    effective.maxParsedBytes = 2 * limits.maxBytes;
  }
  if (raw.length > effective.maxBytes) {
    throw new DubanError(
      'MESSAGE_TOO_LARGE',
      `The message is ${raw.length} bytes; the limit is ${effective.maxBytes}.`,
      { size: raw.length, maxBytes: effective.maxBytes },
    );
  }
  try {
    return await parseLevel(raw, 0, effective, { bytesLeft: effective.maxParsedBytes });
  } catch (err) {
    // The contract is "a DubanError or a result": anything else is a parser surprise on input
    // we could not read.
    if (err instanceof DubanError) throw err;
    throw parserError(err);
  }
}

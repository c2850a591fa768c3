/**
 * The value codecs (./codecs), re-exported for the modules that import them from here. Every
 * table has its own module now (raw-messages, attachments, submissions, outgoing-mails,
 * mailbox-state, audit, week-reads).
 */
export {
  chunks,
  flag,
  inTransaction,
  json,
  optionalIsoDate,
  optionalTimestamp,
  parseJson,
  parseStringList,
  sha256Hex,
  toBuffer,
  toIsoDate,
  toTimestamp,
} from './codecs';

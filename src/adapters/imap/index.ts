/** The office mailbox over IMAP (imapflow): the watcher that stores and hands on new messages. */
export * from './errors';
export * from './watcher';

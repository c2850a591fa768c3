/** Storage: the database named by DATABASE_URL (SQLite or PostgreSQL), its schema and its data access. */
export * from './connection';
export * from './migrations';
export * from './codecs';
export * from './raw-messages';
export * from './attachments';
export * from './submissions';
export * from './submission-content';
export * from './mailbox-state';
export * from './role-fences';
export * from './audit';
export * from './week-reads';
export type * from './schema';
export * from './outgoing-mails';
export * from './outgoing-mail-backlog';
export * from './auto-replies';
export * from './database-use';
export * from './console-sign-in';
export * from './reprocess-selection';

/** What a private Dovecot offers its users (tests, the demo, the benchmarks). */
import type { ImapFlow } from 'imapflow';

export interface AppendedMessage {
  uid: number;
  uidValidity: string;
}

export interface Dovecot {
  readonly host: string;
  /** The IMAP port (plaintext, loopback). Kept across restart(). */
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The instance's directory: dovecot.conf, passwd, mail/, log/. */
  readonly dir: string;
  readonly running: boolean;
  /** Stops the server (idempotent). The directory and the mail are kept: restart() resumes. */
  stop(): Promise<void>;
  /** Starts it again on the same port (stopping it first if it runs), with the same mail. */
  restart(): Promise<void>;
  /** IMAP APPEND of the exact bytes, as a mail client or the office staff would. */
  append(
    mailbox: string,
    raw: Uint8Array | string,
    flags?: string[],
    internalDate?: Date,
  ): Promise<AppendedMessage>;
  /**
   * Makes the mailbox's UIDVALIDITY change the way it does when a server rebuilds its index (or
   * a mailbox is restored or migrated): the index is deleted while the server is down, and on
   * start Dovecot assigns a new UIDVALIDITY and renumbers every message from UID 1, keeping the
   * messages, their flags and INTERNALDATEs. Restarts the server (connections drop).
   */
  resetUidValidity(mailbox: string): Promise<{ before: string; after: string }>;
  /**
   * Delivers the way a mail server's local delivery does, straight into the Maildir (new/),
   * with the file's mtime as INTERNALDATE; works while the IMAP server is stopped too.
   */
  deliver(mailbox: string, raw: Uint8Array | string, receivedAt?: Date): void;
  /** Makes the server drop every IMAP connection of the user (doveadm kick). */
  kick(): Promise<void>;
  /** The mailbox's UIDVALIDITY, from doveadm. */
  uidValidity(mailbox: string): Promise<string>;
  /** A connected client of our own (another mail client, "office staff"); log it out. */
  openClient(): Promise<ImapFlow>;
  /** The last lines of Dovecot's log, for failure messages. */
  logTail(lines?: number): string;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

/**
 * Signing in to the console: one-time links (15 minutes, single use, stored as their sha-256)
 * and sessions (a random id in an HttpOnly cookie, stored as its sha-256 with the session's CSRF
 * token; signed out after CONSOLE_IDLE_MINUTES without use). Shared by the login pages and
 * `duban login-link`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  audit,
  consoleSession,
  dropConsoleSession,
  storeConsoleSession,
  storeLoginToken,
  touchConsoleSession,
  type Db,
} from '../storage';
import type { Schedule } from '../../config/schedule';
import type { Viewer } from './route';
import { viewerFor } from './viewers';

export const LOGIN_LINK_MINUTES = 15;
export const SESSION_COOKIE = 'duban_session';
/** A session's last use is written at most this often (not at every request). */
const TOUCH_EVERY_MS = 60_000;

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A relative path of the console to go to after signing in, else '/'. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string') return '/';
  return /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

export interface LoginLink {
  url: string;
  tokenHash: string;
  expiresAt: Date;
}

/** Stores a new one-time link for `email` and returns it (the token is only in the URL). */
export async function issueLoginLink(
  db: Db,
  input: { email: string; publicUrl: string; now: Date; next?: string },
): Promise<LoginLink> {
  const token = randomSecret();
  const tokenHash = sha256Text(token);
  const expiresAt = new Date(input.now.getTime() + LOGIN_LINK_MINUTES * 60_000);
  await storeLoginToken(db, { tokenHash, email: input.email, now: input.now, expiresAt });
  const next = input.next && input.next !== '/' ? `?next=${encodeURIComponent(input.next)}` : '';
  return {
    url: `${input.publicUrl.replace(/\/+$/, '')}/login/${token}${next}`,
    tokenHash,
    expiresAt,
  };
}

export interface StartedSession {
  /** The cookie's value (never stored). */
  id: string;
  csrfToken: string;
}

/** A new session for a signed-in address: a fresh random id (never the one the browser had). */
export async function startSession(db: Db, email: string, now: Date): Promise<StartedSession> {
  const id = randomSecret();
  const csrfToken = randomSecret();
  await storeConsoleSession(db, { idHash: sha256Text(id), email, csrfToken, now });
  return { id, csrfToken };
}

export interface OpenSession {
  viewer: Viewer;
  csrfToken: string;
}

/**
 * The session a cookie names, when it exists, was used within the idle timeout and its address
 * is still in the schedule; else null (an idle session is deleted). Records the use.
 */
export async function openSession(
  db: Db,
  cookie: string | undefined,
  opts: { schedule: Schedule; now: Date; idleMinutes: number },
): Promise<OpenSession | null> {
  if (!cookie || cookie.length > 200) return null;
  const idHash = sha256Text(cookie);
  const record = await consoleSession(db, idHash);
  if (!record) return null;
  const idleMs = opts.now.getTime() - record.lastSeenAt.getTime();
  if (idleMs > opts.idleMinutes * 60_000) {
    await dropConsoleSession(db, idHash);
    return null;
  }
  const viewer = viewerFor(opts.schedule, record.email);
  if (!viewer) return null;
  if (idleMs > TOUCH_EVERY_MS) await touchConsoleSession(db, idHash, opts.now);
  return { viewer, csrfToken: record.csrfToken };
}

export async function endSession(db: Db, cookie: string | undefined): Promise<void> {
  if (cookie) await dropConsoleSession(db, sha256Text(cookie));
}

/** The actor of an audit entry made by a console user. */
export function consoleActor(email: string | null): string {
  return email ? `web:${email}` : 'web';
}

export { audit };

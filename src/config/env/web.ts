/**
 * The console's section of the environment (the `web` role of `duban serve`): where it listens,
 * the address its links in mails start with, and how long an idle session lasts. Same EnvReader
 * conventions as the other sections (./reader.ts).
 */
import { EnvReader, valueOrThrow, type Env, type Parsed } from './reader';

export interface WebEnv {
  /** HTTP_HOST (default 127.0.0.1): the console is meant to sit behind the office's proxy. */
  host: string;
  /** HTTP_PORT (default 8080). */
  port: number;
  /**
   * PUBLIC_URL without a trailing slash (default http://HTTP_HOST:HTTP_PORT): the base of sign-in
   * links in mails; https here makes the session cookie Secure.
   */
  publicUrl: string;
  /** CONSOLE_IDLE_MINUTES (default 480): a session unused this long is signed out. */
  idleMinutes: number;
}

export const WEB_VARIABLES = [
  'HTTP_HOST',
  'HTTP_PORT',
  'PUBLIC_URL',
  'CONSOLE_IDLE_MINUTES',
] as const;

export function readWebEnv(env: Env = process.env): WebEnv {
  return valueOrThrow(parseWebEnv(env));
}

export function parseWebEnv(env: Env): Parsed<WebEnv> {
  const r = new EnvReader(env);
  const host = r.string('HTTP_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
    r.problem(`HTTP_HOST: "${host}" is not a host name or address.`);
  const port = r.number('HTTP_PORT', { default: 8080, min: 0, max: 65535, integer: true });
  const hostInUrl = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  let publicUrl = r.string('PUBLIC_URL') ?? `http://${hostInUrl}:${port}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    if (u.search || u.hash) throw new Error('query');
  } catch {
    r.problem(`PUBLIC_URL: "${publicUrl}" is not an http:// or https:// address without a query.`);
  }
  publicUrl = publicUrl.replace(/\/+$/, '');
  const idleMinutes = r.number('CONSOLE_IDLE_MINUTES', {
    default: 480,
    min: 1,
    max: 10_080,
    integer: true,
    unit: 'minutes',
  });
  return r.result({ host, port, publicUrl, idleMinutes });
}

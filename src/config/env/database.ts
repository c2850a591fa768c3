/**
 * The database section of the environment: DATABASE_URL, or DATABASE_URL_FILE naming a file that
 * holds it (a Docker secret; unset both = SQLite at ./data/duban.sqlite). The URL's rules live
 * with the storage adapter (parseDatabaseUrl), which every command uses to open the database;
 * here they are applied early so a wrong URL is listed with every other problem of the
 * environment. Every command takes the URL from here (databaseUrlFromEnv), so the file form
 * works for all of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDatabaseUrl, type DatabaseLocation } from '../../adapters/storage/connection';
import { DubanError } from '../../errors';
import { EnvReader, valueOrThrow, type Env, type Parsed } from './reader';

/** Every variable of this section. */
export const DATABASE_VARIABLES = ['DATABASE_URL', 'DATABASE_URL_FILE'] as const;

export interface DatabaseSettings {
  /** DATABASE_URL (or the content of DATABASE_URL_FILE), trimmed; undefined when unset or blank. */
  url: string | undefined;
  location: DatabaseLocation;
}

/** Injected for tests: how DATABASE_URL_FILE is read (default: the file, relative to cwd). */
export interface DatabaseEnvOptions {
  readFile?: (file: string) => string;
}

/** The URL from DATABASE_URL or DATABASE_URL_FILE; problems are collected in `r`. */
function readDatabaseUrl(
  r: EnvReader,
  cwd: string,
  options: DatabaseEnvOptions,
): string | undefined {
  const direct = r.string('DATABASE_URL');
  const file = r.string('DATABASE_URL_FILE');
  if (file === undefined) return direct;
  if (direct !== undefined) {
    r.problem('DATABASE_URL and DATABASE_URL_FILE are both set; set only one.');
    return undefined;
  }
  let text: string;
  try {
    const read = options.readFile ?? ((p: string) => fs.readFileSync(path.resolve(cwd, p), 'utf8'));
    text = read(file);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    r.problem(
      `DATABASE_URL_FILE: cannot read ${file} (${typeof code === 'string' ? code : 'unreadable'}).`,
    );
    return undefined;
  }
  // Like DATABASE_URL itself, trimmed: the line break an editor or `echo` adds is not part of it.
  const url = text.trim();
  if (url === '') {
    r.problem(`DATABASE_URL_FILE: ${file} is empty.`);
    return undefined;
  }
  return url;
}

/** The database section (problems under DATABASE_URL_INVALID). */
export function parseDatabaseEnv(
  env: Env,
  cwd: string = process.cwd(),
  options: DatabaseEnvOptions = {},
): Parsed<DatabaseSettings> {
  const r = new EnvReader(env);
  const url = readDatabaseUrl(r, cwd, options);
  if (r.problems.length > 0)
    return { ok: false, code: 'DATABASE_URL_INVALID', problems: r.problems };
  try {
    return r.result({ url, location: parseDatabaseUrl(url, cwd) }, 'DATABASE_URL_INVALID');
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    return { ok: false, code: 'DATABASE_URL_INVALID', problems: [err.message] };
  }
}

/**
 * The database URL every command opens: DATABASE_URL, or the content of DATABASE_URL_FILE
 * (undefined = the default SQLite file). Throws DubanError DATABASE_URL_INVALID listing the
 * problems (both set, the file unreadable or empty, a URL duban does not support).
 */
export function databaseUrlFromEnv(env: Env, cwd: string = process.cwd()): string | undefined {
  return valueOrThrow(parseDatabaseEnv(env, cwd)).url;
}

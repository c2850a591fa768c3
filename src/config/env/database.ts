/**
 * The database section of the environment: DATABASE_URL (unset = SQLite at ./data/duban.sqlite).
 * The URL's rules live with the storage adapter (parseDatabaseUrl), which every command uses to
 * open the database; here they are applied early so a wrong URL is listed with every other
 * problem of the environment.
 */
import { parseDatabaseUrl, type DatabaseLocation } from '../../adapters/storage/connection';
import { DubanError } from '../../errors';
import { EnvReader, type Env, type Parsed } from './reader';

export interface DatabaseSettings {
  /** DATABASE_URL as given (trimmed; undefined when unset or blank). */
  url: string | undefined;
  location: DatabaseLocation;
}

/** The database section (problems under DATABASE_URL_INVALID). */
export function parseDatabaseEnv(env: Env, cwd: string = process.cwd()): Parsed<DatabaseSettings> {
  const r = new EnvReader(env);
  const url = r.string('DATABASE_URL');
  try {
    return r.result({ url, location: parseDatabaseUrl(url, cwd) }, 'DATABASE_URL_INVALID');
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    return { ok: false, code: 'DATABASE_URL_INVALID', problems: [err.message] };
  }
}

/**
 * What commands share: the --now and --week options, reading an input file, opening the
 * database or the runtime, and turning a configuration or database error into an exit. One
 * wording and one exit code each, so every command reports the same problem the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDatabaseFor, type DatabaseUse, type Db } from '../../adapters/storage';
import { databaseUrlFromEnv } from '../../config/env';
import { openRuntime, type Runtime } from '../../compose/runtime';
import type { Schedule } from '../../config/schedule';
import { hasHolidayList } from '../../domain/calendar';
import { checkWeek } from '../../domain/week';
import { DubanError } from '../../errors';
import { createLogger, type Logger } from '../../log';
import { LOG_LEVELS } from '../../config/service-env';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';

/**
 * The `--now <ISO time>` option: undefined (after reporting) when invalid, null when not given.
 * A time without an offset is refused: "what would happen at 09:00" must say where 09:00 is.
 */
export function parseNow(text: string | undefined, ctx: CommandContext): Date | null | undefined {
  if (text === undefined) return null;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = new Date(text);
  if (!ok || Number.isNaN(at.getTime())) {
    ctx.io.err(
      `duban: --now "${text}" is not an ISO time with an offset, like 2021-03-15T09:00:00+08:00.`,
    );
    ctx.setExit(EXIT.USAGE);
    return undefined;
  }
  return at;
}

/** The `--week <YYYY-MM-DD>` option: the week's Monday, or undefined (after reporting). */
export function parseWeek(text: string, ctx: CommandContext, command: string): string | undefined {
  const week = checkWeek(text);
  if (week.ok) return week.week;
  ctx.io.err(`duban ${command}: --week: ${week.message}`);
  ctx.setExit(EXIT.USAGE);
  return undefined;
}

/** Warns (on stderr only) when the schedule cannot tell the week's holidays from working days. */
export function warnWithoutHolidayList(
  week: string,
  schedule: Schedule,
  ctx: CommandContext,
  command: string,
): void {
  const year = Number(week.slice(0, 4));
  if (!hasHolidayList(year, schedule)) {
    ctx.io.err(
      `duban ${command}: warning: the schedule's calendar has no holiday list for ${year}; only weekends are non-working days.`,
    );
  }
}

/** The bytes of an input file named on the command line, or undefined (after reporting). */
export function readInputFile(
  file: string,
  ctx: CommandContext,
  command: string,
): Buffer | undefined {
  try {
    return fs.readFileSync(path.resolve(ctx.io.cwd, file));
  } catch (err) {
    ctx.io.err(
      `duban ${command}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
    ctx.setExit(EXIT.USAGE);
    return undefined;
  }
}

/**
 * Runs `fn` over the database of $DATABASE_URL (or $DATABASE_URL_FILE) for a command that only
 * reads: nothing is created or migrated, and a database that is missing, has no duban tables or
 * is behind this version is reported with what to run (DATABASE_NOT_MIGRATED, exit 1). Closes
 * it after. When it cannot be opened, that is reported (exit 1, or 69 when unavailable) and `fn`
 * does not run.
 */
export async function withDatabase(
  ctx: CommandContext,
  command: string,
  fn: (db: Db) => Promise<void>,
): Promise<void> {
  let db: Db;
  try {
    db = await openDatabaseFor(databaseUrlFromEnv(ctx.io.env, ctx.io.cwd), 'read', {
      cwd: ctx.io.cwd,
    });
  } catch (err) {
    return exitForError(err, ctx, command);
  }
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Runs `fn` with the runtime (mail, queues as configured; logs at $LOG_LEVEL, default warn) and
 * closes it after. `database` says what the database must be (database-use.ts): `create` (the
 * default: created and migrated), `existing` or `read`. When it cannot be opened, that is
 * reported and `fn` does not run. `now` is the runtime's clock (default the real one).
 */
export async function withRuntime(
  ctx: CommandContext,
  command: string,
  schedule: Schedule,
  fn: (runtime: Runtime) => Promise<void>,
  now?: () => Date,
  database: DatabaseUse = 'create',
): Promise<void> {
  let runtime: Runtime;
  try {
    runtime = await openRuntime({
      schedule,
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      logger: cliLogger(ctx.io.env.LOG_LEVEL),
      now,
      database,
    });
  } catch (err) {
    return exitForError(err, ctx, command);
  }
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * The logger of a one-shot command: $LOG_LEVEL, default warn. An unknown level falls back to
 * warn here instead of crashing; the environment check (loadConfig) reports it as a problem.
 */
export function cliLogger(level: string | undefined): Logger {
  const wanted = (level ?? 'warn').trim().toLowerCase();
  return createLogger(LOG_LEVELS.includes(wanted) ? wanted : 'warn');
}

/** Reports an error met while setting up (environment, database) and sets the exit code. */
export function exitForError(err: unknown, ctx: CommandContext, command: string): void {
  if (!(err instanceof DubanError)) throw err;
  ctx.io.err(`duban ${command}: ${err.code}: ${err.message}`);
  ctx.setExit(err.code === 'DATABASE_UNAVAILABLE' ? EXIT.UNAVAILABLE : EXIT.USAGE);
}

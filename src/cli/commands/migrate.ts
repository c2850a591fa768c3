import type { Command } from 'commander';
import {
  describeDatabase,
  isConnectionError,
  migrateToLatest,
  migrationStatus,
  openDatabase,
  type Db,
} from '../../adapters/storage';
import { databaseUrlFromEnv } from '../../config/env';
import { oneLine } from '../../domain/one-line';
import { DubanError } from '../../errors';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';

/** A database error on one line: long enough for any driver message, short enough for a log. */
const MESSAGE_MAX = 2000;

/**
 * `duban migrate`: brings the database named by $DATABASE_URL up to date (services do the same on
 * start); `--status` only lists the migrations. Exit 1 for an invalid DATABASE_URL, 69 when the
 * database cannot be reached, 70 when a migration fails.
 */
export function registerMigrateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .description('Apply database migrations to the database named by $DATABASE_URL')
    .option('--status', 'list the migrations and whether each is applied; change nothing')
    .action(async (options: { status?: boolean }) => {
      ctx.setExit(await runMigrate(ctx, options.status === true));
    });
}

async function runMigrate(ctx: CommandContext, statusOnly: boolean): Promise<number> {
  const { io } = ctx;
  let url: string | undefined;
  let db: Db | undefined;
  try {
    url = databaseUrlFromEnv(io.env, io.cwd);
    db = await openDatabase(url, { cwd: io.cwd });
    io.out(`database: ${db.description}`);
    if (statusOnly) {
      const states = await migrationStatus(db);
      for (const m of states) {
        io.out(m.appliedAt ? `applied  ${m.name}  (${m.appliedAt})` : `pending  ${m.name}`);
      }
      const pending = states.filter((m) => m.appliedAt === null).length;
      io.out(pending === 0 ? 'up to date' : `${pending} pending; run: duban migrate`);
      return EXIT.OK;
    }
    const { applied } = await migrateToLatest(db);
    for (const name of applied) io.out(`applied: ${name}`);
    io.out(
      applied.length === 0
        ? 'already up to date'
        : `${applied.length} migration(s) applied; up to date`,
    );
    return EXIT.OK;
  } catch (err) {
    if (!(err instanceof DubanError)) {
      // The database went away in the middle (not at open): still "unavailable", not a bug.
      if (!isConnectionError(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      io.err(
        `duban migrate: DATABASE_UNAVAILABLE: ${describeDatabase(url, io.cwd)}: ${oneLine(reason, MESSAGE_MAX)}`,
      );
      return EXIT.UNAVAILABLE;
    }
    io.err(`duban migrate: ${err.code}: ${oneLine(err.message, MESSAGE_MAX)}`);
    if (err.code === 'DATABASE_URL_INVALID') return EXIT.USAGE;
    if (err.code === 'DATABASE_UNAVAILABLE') return EXIT.UNAVAILABLE;
    return EXIT.INTERNAL;
  } finally {
    await db?.close();
  }
}

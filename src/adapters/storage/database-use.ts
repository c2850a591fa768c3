/**
 * How a command uses the database decides what it does with one that is new, missing or behind
 * this version of duban (README: "A new or missing database"):
 * - `create`: the service, `duban migrate` and `duban ingest` receive data: a SQLite file is
 *   created and every pending migration applied.
 * - `existing`: commands that send from what is stored (remind, digest --send, quarantine
 *   release) need a duban database: one with no duban tables is refused, since an empty database
 *   would make every unit look missing (false reminders, a false digest); pending migrations of
 *   an older version are applied.
 * - `read`: commands that only read (status, health, remind --dry-run, the digest preview,
 *   quarantine list, template) write nothing, not even a migration: a database with no duban
 *   tables, or behind this version, is refused with what to run.
 * Refusals are DubanError DATABASE_NOT_MIGRATED (the CLI's exit 1), never a driver's "no such
 * table".
 */
import { DubanError } from '../../errors';
import { openDatabase, type Db, type OpenDatabaseOptions } from './connection';
import { migrateToLatest, migrationStatus } from './migrations';

export type DatabaseUse = 'create' | 'existing' | 'read';

const WHAT_TO_RUN = 'run `duban migrate` (or start `duban serve`, which migrates)';

/** Opens the database named by `url` for `use`; closes it again when it cannot be used. */
export async function openDatabaseFor(
  url: string | undefined,
  use: DatabaseUse,
  opts: Omit<OpenDatabaseOptions, 'create'> = {},
): Promise<Db> {
  const db = await openDatabase(url, { ...opts, create: use === 'create' });
  try {
    if (use !== 'create') await requireDubanTables(db, use);
    if (use !== 'read') await migrateToLatest(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Throws DATABASE_NOT_MIGRATED unless the database is fit for `use` (see the file's comment). */
async function requireDubanTables(db: Db, use: 'existing' | 'read'): Promise<void> {
  const states = await migrationStatus(db);
  const pending = states.filter((m) => m.appliedAt === null).map((m) => m.name);
  if (pending.length === states.length) {
    throw new DubanError(
      'DATABASE_NOT_MIGRATED',
      `The database at ${db.description} has no duban tables yet: ${WHAT_TO_RUN}.`,
    );
  }
  if (use === 'read' && pending.length > 0) {
    throw new DubanError(
      'DATABASE_NOT_MIGRATED',
      `The database at ${db.description} is ${pending.length} migration(s) behind this version of duban (${pending.join(', ')}); this command only reads: ${WHAT_TO_RUN}.`,
    );
  }
}

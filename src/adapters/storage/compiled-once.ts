/**
 * The hottest statements built by Kysely once per database instead of on every call. Kysely
 * builds an operation tree and compiles it to SQL for every query (about 7 % of the service's
 * main thread under intake load, bench/README.md); for a statement whose shape never changes,
 * the SQL is the same every time and only the parameters differ.
 *
 * A statement is written with `slot('name')` where a caller's value goes; it is compiled on
 * first use per database (the SQL differs between SQLite and PostgreSQL), and each call binds
 * its values into the slots' positions. Constants in the statement ('queued', 1, …) stay bound
 * as compiled. Only for statements of a fixed shape: a value list or IN list whose length varies
 * compiles to different SQL and must not be built this way.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Db } from './connection';
import type { Database } from './schema';

const SLOT = '\u0000duban-slot:';

/** Stands for the caller's value `name` in a statement built by compiledOnce. */
export function slot<T>(name: string): T {
  return `${SLOT}${name}` as unknown as T;
}

type Binding = { slot: string } | { value: unknown };

/** A statement built once per database; call it with the slots' values. */
export function compiledOnce<R>(
  build: (kysely: Kysely<Database>) => Compilable<R>,
): (db: Db, values: Readonly<Record<string, unknown>>) => Promise<QueryResult<R>> {
  // Keyed by dialect, not by Db: a transaction's Db (inTransaction) is a new object each time,
  // and the SQL depends only on the dialect (every Db is built by the same makeDb, same plugins).
  const compiled = new Map<Db['dialect'], { query: CompiledQuery<R>; bindings: Binding[] }>();
  return async (db, values) => {
    let entry = compiled.get(db.dialect);
    if (!entry) {
      const query = build(db.kysely).compile();
      const bindings = query.parameters.map((p): Binding =>
        typeof p === 'string' && p.startsWith(SLOT) ? { slot: p.slice(SLOT.length) } : { value: p },
      );
      entry = { query, bindings };
      compiled.set(db.dialect, entry);
    }
    const parameters = entry.bindings.map((b) => {
      if (!('slot' in b)) return b.value;
      if (!(b.slot in values)) throw new Error(`no value for the slot ${b.slot}`);
      return values[b.slot];
    });
    return db.kysely.executeQuery<R>({ ...entry.query, parameters });
  };
}

/**
 * Migration 0004: one submission per raw message, and the current version of every unit's week
 * is its latest arrival.
 *
 * Before it, a job that processed a message twice at once (a stalled job taken over while its
 * first worker still ran) could record two submissions for one message, and a job that ran late
 * (retried after a crash, after the unit's correction was recorded) made the older sheet current.
 * So, in one transaction:
 * 1. duplicates: the first submission of each message is kept; references to the others (the
 *    chain's supersedes_id, outgoing_mails.submission_id) move to it; their content is deleted;
 * 2. every (unit, week) whose chain is not in arrival order is rebuilt: versions that are or
 *    were current, ordered by (arrived_at, raw_message_id), each superseding the one before, the
 *    last one current;
 * 3. the non-unique index on submissions.raw_message_id becomes UNIQUE.
 * The audit log is history and is left as it was.
 *
 * The ordering and chain rules are written out here rather than imported from ./submissions.ts
 * on purpose: a migration must do tomorrow what it did when it was released.
 */
import { sql, type Kysely, type Migration } from 'kysely';

interface Row {
  id: number;
  unit_id: string;
  reporting_week: string;
  raw_message_id: number;
  arrived_at: string;
  is_current: number;
  supersedes_id: number | null;
}

const ids = (values: readonly number[]) => sql.join(values.map((v) => sql`${v}`));

async function submissions(db: Kysely<unknown>): Promise<Row[]> {
  const result = await sql<Row>`
    select id, unit_id, reporting_week, raw_message_id, arrived_at, is_current, supersedes_id
    from submissions order by id`.execute(db);
  // pg hands BIGINT back as numbers (the pool's type parser); better-sqlite3 as numbers too.
  return result.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    raw_message_id: Number(r.raw_message_id),
    is_current: Number(r.is_current),
    supersedes_id: r.supersedes_id === null ? null : Number(r.supersedes_id),
  }));
}

/** The versions that are or were current: current, superseding one, or superseded. */
function chainMembers(rows: readonly Row[]): Set<number> {
  const linked = new Set(rows.map((r) => r.supersedes_id));
  return new Set(
    rows
      .filter((r) => r.is_current === 1 || r.supersedes_id !== null || linked.has(r.id))
      .map((r) => r.id),
  );
}

/** Step 1. A kept copy joins the chain when a deleted duplicate of it was in one. */
async function dropDuplicates(
  db: Kysely<unknown>,
  rows: readonly Row[],
  members: Set<number>,
): Promise<void> {
  const keeperOf = new Map<number, number>();
  for (const d of rows) {
    const keeper = keeperOf.get(d.raw_message_id);
    if (keeper === undefined) {
      keeperOf.set(d.raw_message_id, d.id);
      continue;
    }
    if (members.has(d.id)) members.add(keeper);
    await sql`update outgoing_mails set submission_id = ${keeper}
      where submission_id = ${d.id}`.execute(db);
    // The chain is rebuilt in step 2; here only the references to the row go.
    await sql`update submissions set supersedes_id = null where supersedes_id = ${d.id}`.execute(
      db,
    );
    await sql`delete from submission_targets where submission_project_id in
      (select id from submission_projects where submission_id = ${d.id})`.execute(db);
    await sql`delete from submission_projects where submission_id = ${d.id}`.execute(db);
    await sql`delete from submissions where id = ${d.id}`.execute(db);
  }
}

const byArrival = (a: Row, b: Row): number =>
  a.arrived_at !== b.arrived_at
    ? a.arrived_at < b.arrived_at
      ? -1
      : 1
    : a.raw_message_id - b.raw_message_id;

/** Step 2, over the rows left by step 1, with the chain members found before it. */
async function rebuildChains(
  db: Kysely<unknown>,
  rows: readonly Row[],
  members: Set<number>,
): Promise<void> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (!members.has(r.id)) continue;
    const key = `${r.unit_id}\u0000${r.reporting_week}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    const chain = group.sort(byArrival);
    const inOrder = chain.every(
      (r, i) =>
        r.supersedes_id === (chain[i - 1]?.id ?? null) &&
        r.is_current === (i === chain.length - 1 ? 1 : 0),
    );
    if (inOrder) continue;
    // Cleared first: the partial unique index allows one current row at any moment.
    await sql`update submissions set is_current = 0, supersedes_id = null
      where id in (${ids(chain.map((r) => r.id))})`.execute(db);
    for (const [i, r] of chain.entries()) {
      const previous = chain[i - 1]?.id ?? null;
      const current = i === chain.length - 1 ? 1 : 0;
      if (previous === null && current === 0) continue;
      await sql`update submissions set supersedes_id = ${previous}, is_current = ${current}
        where id = ${r.id}`.execute(db);
    }
  }
}

export function oneSubmissionPerMessage(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const before = await submissions(db);
      const members = chainMembers(before);
      await dropDuplicates(db, before, members);
      await rebuildChains(db, await submissions(db), members);

      await db.schema.dropIndex('submissions_raw_message_index').execute();
      await db.schema
        .createIndex('submissions_raw_message_unique')
        .on('submissions')
        .column('raw_message_id')
        .unique()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('submissions_raw_message_unique').execute();
      await db.schema
        .createIndex('submissions_raw_message_index')
        .on('submissions')
        .column('raw_message_id')
        .execute();
    },
  };
}

/**
 * Which version of a unit's sheet is current: the latest to ARRIVE, whatever order the jobs that
 * record them finish in (a retry after a crash, the sweeper, concurrent workers), and one
 * submission per message. On SQLite and PostgreSQL.
 */
import { Migrator } from 'kysely';
import {
  auditEntries,
  claimMail,
  currentSubmission,
  getMail,
  migrateToLatest,
  migrationsFor,
  recordSubmission,
  storeRawMessage,
  submissionContent,
  submissionVersions,
  type Db,
  type NewSubmission,
} from '../../src/adapters/storage';
import { TEST_DIALECTS, createTestDatabase, useTestDatabase } from '../helpers/db';

const WEEK = '2021-03-15';
const T0 = new Date('2021-03-15T01:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

let counter = 0;
async function storedMessage(db: Db): Promise<number> {
  counter += 1;
  const raw = Buffer.from(
    `From: lead-unit@example.cn\r\nSubject: 问题清单 ${counter} ${Date.now()} ${Math.random()}\r\n\r\n附件\r\n`,
  );
  return (await storeRawMessage(db, { raw, source: 'file', fileName: `${counter}.eml` })).id;
}

function sheet(
  unitId: string,
  rawMessageId: number,
  arrivedAt: Date,
  over: Partial<NewSubmission> = {},
): NewSubmission {
  return {
    unitId,
    reportingWeek: WEEK,
    rawMessageId,
    arrivedAt,
    status: 'accepted',
    late: false,
    issues: [],
    projects: [
      {
        nameAsWritten: '锦川实验小学项目',
        projectId: 'p1',
        leadUnits: ['教育局'],
        problems: { land: '征迁扫尾未完成' },
        responsibleDepartments: ['自然资源局'],
        targets: [{ text: '完成重新招投标', dueText: '月底' }],
      },
    ],
    now: minutes(500),
    ...over,
  };
}

/**
 * The unit's versions that may be current, by arrival, checked to form one chain: each
 * supersedes the one before it, and only the last is current. Returns their ids.
 */
async function chainByArrival(db: Db, unitId: string): Promise<number[]> {
  const versions = (await submissionVersions(db, unitId, WEEK))
    .filter((v) => v.status !== 'rejected')
    .reverse();
  versions.forEach((v, i) => {
    expect({ id: v.id, supersedes: v.supersedes_id, current: v.is_current }).toEqual({
      id: v.id,
      supersedes: versions[i - 1]?.id ?? null,
      current: i === versions.length - 1 ? 1 : 0,
    });
  });
  return versions.map((v) => v.id);
}

describe.each(TEST_DIALECTS)('current sheet on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('keeps the later sheet current when the older one is recorded after it (a retried job)', async () => {
    const older = await storedMessage(t.db);
    const newer = await storedMessage(t.db);
    const correction = await recordSubmission(t.db, sheet('jiaoyu', newer, minutes(60)));
    const retried = await recordSubmission(t.db, sheet('jiaoyu', older, minutes(0)));

    expect(correction).toMatchObject({ current: true, supersededId: null, isNew: true });
    expect(retried).toMatchObject({ current: false, supersededId: null, isNew: true });
    expect((await currentSubmission(t.db, 'jiaoyu', WEEK))?.id).toBe(correction.id);
    expect(await chainByArrival(t.db, 'jiaoyu')).toEqual([retried.id, correction.id]);
    const superseded = await auditEntries(t.db, {
      event: 'submission.superseded',
      unitId: 'jiaoyu',
    });
    expect(superseded.map((e) => [e.submission_id, JSON.parse(e.details_json ?? '')])).toEqual([
      [retried.id, { supersededBy: correction.id, arrivedEarlier: true }],
    ]);
  });

  it('orders the versions by arrival whatever order they are recorded in', async () => {
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const [n, order] of orders.entries()) {
      const unit = `order-${n}`;
      const messages = [await storedMessage(t.db), await storedMessage(t.db)];
      messages.push(await storedMessage(t.db));
      const ids: number[] = [];
      for (const i of order) {
        const rawMessageId = messages[i] as number;
        ids[i] = (await recordSubmission(t.db, sheet(unit, rawMessageId, minutes(10 * i)))).id;
      }
      expect(await chainByArrival(t.db, unit)).toEqual(ids);
    }
  });

  it('breaks a tie of arrival times by the message id', async () => {
    const first = await storedMessage(t.db);
    const second = await storedMessage(t.db);
    const b = await recordSubmission(t.db, sheet('tie', second, T0));
    const a = await recordSubmission(t.db, sheet('tie', first, T0));
    expect(await chainByArrival(t.db, 'tie')).toEqual([a.id, b.id]);
  });

  it('leaves a rejected version out of the chain, whenever it arrived', async () => {
    const good = await storedMessage(t.db);
    const rejected = await storedMessage(t.db);
    const lateGood = await storedMessage(t.db);
    const a = await recordSubmission(t.db, sheet('weijian', good, minutes(0)));
    const r = await recordSubmission(
      t.db,
      sheet('weijian', rejected, minutes(20), {
        status: 'rejected',
        makeCurrent: false,
        projects: [],
      }),
    );
    const b = await recordSubmission(t.db, sheet('weijian', lateGood, minutes(10)));
    expect(r).toMatchObject({ current: false, supersededId: null });
    expect(b).toMatchObject({ current: true, supersededId: a.id });
    expect(await chainByArrival(t.db, 'weijian')).toEqual([a.id, b.id]);
  });

  it('records one submission per message: a retry gets the recorded one back and writes nothing', async () => {
    const m = await storedMessage(t.db);
    const first = await recordSubmission(t.db, sheet('nongshui', m, T0));
    const retry = await recordSubmission(t.db, sheet('nongshui', m, T0, { status: 'rejected' }));
    expect(retry).toEqual({ id: first.id, supersededId: null, current: true, isNew: false });
    const versions = await submissionVersions(t.db, 'nongshui', WEEK);
    expect(versions.map((v) => [v.id, v.status])).toEqual([[first.id, 'accepted']]);
    expect(await submissionContent(t.db, first.id)).toHaveLength(1);
    expect(
      await auditEntries(t.db, { event: 'submission.recorded', rawMessageId: m }),
    ).toHaveLength(1);
  });

  it('records one submission when two jobs record the same message at once', async () => {
    const other = dialect === 'postgres' ? await t.open() : t.db;
    for (let round = 0; round < 5; round += 1) {
      const m = await storedMessage(t.db);
      const both = await Promise.all([
        recordSubmission(t.db, sheet(`twice-${round}`, m, T0)),
        recordSubmission(other, sheet(`twice-${round}`, m, T0)),
      ]);
      expect(both.filter((r) => r.isNew)).toHaveLength(1);
      expect(both[0]?.id).toBe(both[1]?.id);
      expect(await submissionVersions(t.db, `twice-${round}`, WEEK)).toHaveLength(1);
    }
  });

  it('refuses a second submission row for one message (a unique index)', async () => {
    const m = await storedMessage(t.db);
    await recordSubmission(t.db, sheet('zhujian', m, T0));
    const row = {
      unit_id: 'zhujian',
      reporting_week: WEEK,
      raw_message_id: m,
      arrived_at: T0.toISOString(),
      status: 'accepted',
      late: 0,
      is_current: 0,
      issues_json: '[]',
      created_at: T0.toISOString(),
    } as const;
    await expect(t.db.kysely.insertInto('submissions').values(row).execute()).rejects.toMatchObject(
      {
        message: expect.stringMatching(/unique/i),
      },
    );
  });

  it('leaves exactly one current version, the latest arrival, when versions are recorded at once', async () => {
    // PostgreSQL: one connection per writer, so the transactions really race. SQLite: one
    // connection per process (better-sqlite3 blocks the thread while it waits for another
    // connection's lock), so the race is between transactions on one connection.
    const writers: Db[] =
      dialect === 'postgres' ? [t.db, await t.open(), await t.open(), await t.open()] : [t.db];
    for (let round = 0; round < 8; round += 1) {
      const unit = `race-${round}`;
      const arrivals = [0, 1, 2, 3].map((i) => minutes(((i + round) % 4) * 5));
      const messages: number[] = [];
      for (let i = 0; i < arrivals.length; i += 1) messages.push(await storedMessage(t.db));
      const recorded = await Promise.all(
        arrivals.map((arrivedAt, i) =>
          recordSubmission(
            writers[i % writers.length] as Db,
            sheet(unit, messages[i] as number, arrivedAt),
          ),
        ),
      );
      const latest = arrivals.findIndex((a) => a.getTime() === minutes(15).getTime());
      const current = await currentSubmission(t.db, unit, WEEK);
      expect(current?.id).toBe(recorded[latest]?.id);
      expect(await chainByArrival(t.db, unit)).toHaveLength(4);
    }
  });
});

describe.each(TEST_DIALECTS)('migration 0004 on %s', (dialect) => {
  it('removes duplicate submissions of a message and rebuilds each chain by arrival', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const db = await database.open();
      const migrator = new Migrator({
        db: db.kysely,
        provider: { getMigrations: async () => migrationsFor(dialect) },
      });
      const { error } = await migrator.migrateTo('0002_intake');
      expect(error).toBeUndefined();

      const r1 = await storedMessage(db);
      const r2 = await storedMessage(db);
      const ra = await storedMessage(db);
      const rb = await storedMessage(db);
      const rx = await storedMessage(db);
      const insert = async (
        unit: string,
        raw: number,
        arrived: Date,
        current: 0 | 1,
        supersedes: number | null,
        status = 'accepted',
      ): Promise<number> => {
        if (current === 1) {
          await db.kysely
            .updateTable('submissions')
            .set({ is_current: 0 })
            .where('unit_id', '=', unit)
            .execute();
        }
        const row = await db.kysely
          .insertInto('submissions')
          .values({
            unit_id: unit,
            reporting_week: WEEK,
            raw_message_id: raw,
            arrived_at: arrived.toISOString(),
            status,
            late: 0,
            issues_json: '[]',
            is_current: current,
            supersedes_id: supersedes,
            created_at: T0.toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      };
      // Unit "dup": r1 recorded, r2 (its correction) recorded, then r1 recorded AGAIN by a job
      // taken over, made current: the fault the migration repairs. A receipt cites the copy.
      const s1 = await insert('dup', r1, minutes(0), 1, null);
      const s2 = await insert('dup', r2, minutes(60), 1, s1);
      const s3 = await insert('dup', r1, minutes(0), 1, s2);
      await db.kysely
        .insertInto('submission_projects')
        .values({
          submission_id: s3,
          ordinal: 0,
          name_as_written: '项目',
          lead_units_json: '[]',
          responsible_departments_json: '[]',
        })
        .execute();
      await claimMail(db, {
        key: `receipt:${r1}`,
        kind: 'receipt',
        recipients: [],
        subject: '回执',
        claimedBy: 'w1',
        submissionId: s3,
      });
      // Unit "order": the later arrival recorded first, then the older one made current.
      const a = await insert('order', ra, minutes(60), 1, null);
      const b = await insert('order', rb, minutes(0), 1, a);
      const x = await insert('order', rx, minutes(90), 0, null, 'rejected');

      await migrateToLatest(db);

      expect(await chainByArrival(db, 'dup')).toEqual([s1, s2]);
      expect((await getMail(db, `receipt:${r1}`))?.submission_id).toBe(s1);
      expect(await chainByArrival(db, 'order')).toEqual([b, a]);
      expect((await submissionVersions(db, 'order', WEEK)).find((v) => v.id === x)).toMatchObject({
        is_current: 0,
        supersedes_id: null,
      });
      await expect(insert('dup', r2, minutes(60), 0, null)).rejects.toMatchObject({
        message: expect.stringMatching(/unique/i),
      });
    } finally {
      await database.drop();
    }
  });
});

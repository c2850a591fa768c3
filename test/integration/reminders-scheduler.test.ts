/**
 * The scheduler role on the machine's Redis (a random queue prefix, obliterated afterwards) and
 * SQLite or PostgreSQL: the job schedulers are upserted with the programme's time zone, stale
 * ones are removed, and a reminder job delivered twice, or to two workers at once, sends one
 * mail per unit. The clock is fixed: the job decides what is due from `now`, not from the cron.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueEvents } from 'bullmq';
import pino from 'pino';
import { connectionOf } from '../../src/adapters/queue';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import {
  SCHEDULE_QUEUE,
  schedulerSpecs,
  startScheduler,
  syncSchedulers,
  type Scheduler,
} from '../../src/compose/scheduler';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the job schedulers the schedule asks for', () => {
  it('one per reminder stage, one for the digest and one for the follow-up, daily at their times, in the programme’s zone', async () => {
    const schedule = await exampleSchedule();
    expect(schedulerSpecs(schedule)).toEqual([
      {
        id: 'reminder-morning',
        pattern: '0 9 * * *',
        tz: 'Asia/Shanghai',
        data: { kind: 'reminders', stage: 'morning' },
      },
      {
        id: 'reminder-overdue',
        pattern: '30 18 * * *',
        tz: 'Asia/Shanghai',
        data: { kind: 'reminders', stage: 'overdue' },
      },
      {
        id: 'reminder-escalation',
        pattern: '0 9 * * *',
        tz: 'Asia/Shanghai',
        data: { kind: 'reminders', stage: 'escalation' },
      },
      { id: 'digest', pattern: '0 8 * * *', tz: 'Asia/Shanghai', data: { kind: 'digest' } },
      {
        id: 'follow-up',
        pattern: '0 9 * * *',
        tz: 'Asia/Shanghai',
        data: { kind: 'follow-up' },
      },
    ]);
  });
});

describe.each(TEST_DIALECTS)('the scheduler on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-scheduler-'));
  let schedule: Schedule;
  let clock = new Date('2021-03-15T01:00:00Z');
  const runtimes: Runtime[] = [];
  const schedulers: Scheduler[] = [];

  const open = async (): Promise<Runtime> => {
    const runtime = await openRuntime({
      schedule,
      env: {
        DATABASE_URL: t.url,
        OUTBOX_DIR: outbox,
        REDIS_URL,
        DUBAN_QUEUE_PREFIX: prefix,
      },
      cwd: outbox,
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
    runtimes.push(runtime);
    return runtime;
  };
  const start = async (runtime: Runtime, opts: { upsert?: boolean; work?: boolean } = {}) => {
    const s = await startScheduler(runtime, {
      settings: { redisUrl: REDIS_URL, prefix },
      ...opts,
    });
    schedulers.push(s);
    return s;
  };
  const emls = (): string[] => fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));

  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  afterAll(async () => {
    await schedulers[0]?.queue.obliterate({ force: true }).catch(() => undefined);
    for (const s of schedulers) await s.close(5_000);
    for (const r of runtimes) await r.close();
  });

  it('upserts the job schedulers with tz, and removes those the schedule no longer has', async () => {
    const runtime = await open();
    const scheduler = await start(runtime, { work: false });
    const listed = async () =>
      (await scheduler.queue.getJobSchedulers(0, -1))
        .map((j) => `${j.key} ${j.pattern} ${j.tz}`)
        .sort();
    expect(await listed()).toEqual([
      'digest 0 8 * * * Asia/Shanghai',
      'follow-up 0 9 * * * Asia/Shanghai',
      'reminder-escalation 0 9 * * * Asia/Shanghai',
      'reminder-morning 0 9 * * * Asia/Shanghai',
      'reminder-overdue 30 18 * * * Asia/Shanghai',
    ]);
    // The next run of the morning scheduler is 09:00 in Shanghai (01:00 UTC), whatever TZ says.
    const morning = await scheduler.queue.getJobScheduler('reminder-morning');
    expect(new Date(morning?.next ?? 0).toISOString().slice(11, 19)).toBe('01:00:00');

    const changed = structuredClone(schedule);
    changed.cycle.reminders = changed.cycle.reminders
      .filter((s) => s.id !== 'escalation')
      .map((s) => (s.id === 'overdue' ? { ...s, time: '19:00' } : s));
    const result = await syncSchedulers(scheduler.queue, changed, pino({ level: 'silent' }));
    expect(result.removed).toEqual(['reminder-escalation']);
    expect(await listed()).toEqual([
      'digest 0 8 * * * Asia/Shanghai',
      'follow-up 0 9 * * * Asia/Shanghai',
      'reminder-morning 0 9 * * * Asia/Shanghai',
      'reminder-overdue 0 19 * * * Asia/Shanghai',
    ]);
    // Back to the schedule of the runtime.
    await scheduler.apply();
    expect(await listed()).toHaveLength(5);
  });

  it('a reminder job run twice, and by two workers at once, sends one mail per unit', async () => {
    clock = new Date('2021-03-15T01:00:30Z');
    const a = await start(await open(), { upsert: false });
    await start(await open(), { upsert: false });
    const events = new QueueEvents(SCHEDULE_QUEUE, {
      connection: connectionOf(REDIS_URL, true),
      prefix,
    });
    await events.waitUntilReady();
    try {
      const jobs = await Promise.all(
        ['x1', 'x2', 'x3', 'x4'].map((id) =>
          a.queue.add('reminder-morning', { kind: 'reminders', stage: 'morning' }, { jobId: id }),
        ),
      );
      await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 30_000)));
    } finally {
      await events.close();
    }
    expect(emls()).toHaveLength(5);
    // Run once more in-process: nothing new.
    await a.run({ kind: 'reminders', stage: 'morning' });
    expect(emls()).toHaveLength(5);
    const rows = await t.db.kysely
      .selectFrom('outgoing_mails')
      .select(['mail_key'])
      .where('kind', '=', 'reminder')
      .execute();
    expect(rows.map((r) => r.mail_key).sort()).toEqual(
      ['jiaotong', 'jiaoyu', 'nongshui', 'weijian', 'xincheng'].map(
        (u) => `reminder:2021-03-15:${u}:morning`,
      ),
    );
  });

  it('judges a scheduled job at the moment it fired for, even on a clock a little behind', async () => {
    const scheduler = schedulers[1] as Scheduler;
    const before = emls().length;
    clock = new Date('2021-03-22T00:59:58Z'); // two seconds before 09:00 in Shanghai
    await scheduler.run({ kind: 'reminders', stage: 'morning' });
    expect(emls().length).toBe(before);
    await scheduler.run(
      { kind: 'reminders', stage: 'morning' },
      Date.parse('2021-03-22T01:00:00Z'),
    );
    expect(emls().length).toBe(before + 5);
  });

  it('the digest job sends the week’s digest once when it is due, however often it runs', async () => {
    const scheduler = schedulers[1] as Scheduler;
    clock = new Date('2021-03-15T23:00:00Z'); // Tuesday 07:00: not yet
    await scheduler.run({ kind: 'digest' });
    clock = new Date('2021-03-16T00:00:10Z'); // Tuesday 08:00:10
    await scheduler.run({ kind: 'digest' });
    await scheduler.run({ kind: 'digest' });
    const rows = await t.db.kysely
      .selectFrom('outgoing_mails')
      .select(['mail_key', 'status'])
      .where('kind', '=', 'digest')
      .execute();
    expect(rows).toEqual([{ mail_key: 'digest:2021-03-15:v1', status: 'sent' }]);
  });

  it('sends the digest of a week whose deadline a holiday moved on the first working day after it', async () => {
    const scheduler = schedulers[1] as Scheduler;
    const digests = async () =>
      (
        await t.db.kysely
          .selectFrom('outgoing_mails')
          .select(['mail_key'])
          .where('kind', '=', 'digest')
          .execute()
      )
        .map((r) => r.mail_key)
        .filter((k) => k.includes('2021-04'));
    // Qingming: the week of 04-05 is due Tuesday 04-06 18:00; its digest Wednesday 04-07 08:00.
    clock = new Date('2021-04-06T00:00:10Z'); // Tuesday 08:00: the deadline has not passed
    await scheduler.run({ kind: 'digest' });
    expect(await digests()).toEqual([]);
    clock = new Date('2021-04-07T00:00:10Z'); // Wednesday 08:00
    await scheduler.run({ kind: 'digest' });
    expect(await digests()).toEqual(['digest:2021-04-05:v1']);
    clock = new Date('2021-04-13T00:00:10Z'); // the next Tuesday: only the next week's
    await scheduler.run({ kind: 'digest' });
    expect((await digests()).sort()).toEqual(['digest:2021-04-05:v1', 'digest:2021-04-12:v1']);
  });
});

/**
 * Reloading the schedule while the service runs, on SQLite and PostgreSQL with the machine's
 * Redis: a valid edit (saved the way editors save: a new file renamed over the old one) is
 * applied and the job schedulers follow it; an invalid edit is refused, the running schedule
 * is kept, every error is logged as file:line:column and the office admin gets one mail.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { startScheduleReload, type ScheduleReloader } from '../../src/app/schedule-reload';
import { scheduleReloadDeps } from '../../src/compose/week-deps';
import { startScheduler, type Scheduler } from '../../src/compose/scheduler';
import { loadScheduleFile } from '../../src/config/load-schedule';
import { EXAMPLE_SCHEDULE } from '../../src/cli/context';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.each(TEST_DIALECTS)('schedule reload on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-reload-'));
  const file = path.join(dir, 'schedule.yaml');
  const outbox = path.join(dir, 'outbox');
  const example = fs.readFileSync(EXAMPLE_SCHEDULE, 'utf8');
  const logLines: string[] = [];
  let runtime: Runtime;
  let scheduler: Scheduler;
  let reloader: ScheduleReloader;

  /** Saves like an editor: write a temporary file, rename it over the schedule. */
  const save = (text: string): void => {
    const tmp = path.join(dir, `.schedule.yaml.${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  };
  const emls = (): string[] =>
    fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
  const patterns = async (): Promise<string[]> =>
    (await scheduler.queue.getJobSchedulers(0, -1)).map((j) => `${j.key} ${j.pattern}`).sort();

  beforeAll(async () => {
    fs.writeFileSync(file, example);
    const loaded = await loadScheduleFile(file);
    if (!loaded.ok) throw new Error('example schedule invalid');
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    runtime = await openRuntime({
      schedule: loaded.schedule,
      env: {
        DATABASE_URL: t.url,
        OUTBOX_DIR: outbox,
        REDIS_URL,
        DUBAN_QUEUE_PREFIX: `test-${randomBytes(6).toString('hex')}`,
      },
      cwd: dir,
      logger: pino({ level: 'info' }, sink),
      now: () => new Date('2021-03-17T02:00:00Z'),
    });
    scheduler = await startScheduler(runtime, {
      settings: { redisUrl: REDIS_URL, prefix: runtime.service.queuePrefix },
      work: false,
    });
    reloader = await startScheduleReload({
      ...scheduleReloadDeps(runtime, file, 'config/schedule.yaml'),
      onApplied: () => scheduler.apply(),
      debounceMs: 100,
    });
  });
  afterAll(async () => {
    reloader?.stop();
    await scheduler?.queue.obliterate({ force: true }).catch(() => undefined);
    await scheduler?.close(5_000);
    await runtime?.close();
  });

  it('applies a valid edit while running, and the job schedulers follow it', async () => {
    const before = runtime.schedule;
    expect(await patterns()).toContain('reminder-overdue 30 18 * * *');
    save(example.replace("time: '18:30'", "time: '19:00'").replace('id: morning', 'id: early'));
    await until('the new schedule', async () => runtime.schedule !== before && runtime.schedule);
    expect(runtime.schedule.cycle.reminders.map((s) => `${s.id} ${s.time}`)).toEqual([
      'early 09:00',
      'overdue 19:00',
      'escalation 09:00',
    ]);
    const wanted = [
      'digest 0 8 * * *',
      'follow-up 0 9 * * *',
      'reminder-early 0 9 * * *',
      'reminder-escalation 0 9 * * *',
      'reminder-overdue 0 19 * * *',
    ];
    // The upserts come first, then the removals: wait for the whole set.
    await until('the schedulers', async () => (await patterns()).join() === wanted.join());
    expect(logLines.some((l) => l.includes('schedule reloaded and applied'))).toBe(true);
  });

  it('refuses an invalid edit: keeps the running schedule, logs every error, mails the admin once', async () => {
    const running = runtime.schedule;
    const broken = example
      .replace('timezone: Asia/Shanghai', 'timezone: Asia/Shangai')
      .replace("time: '18:30'", "time: '25:30'");
    save(broken);
    const [mailFile] = await until(
      'the mail to the admin',
      async () => emls().length > 0 && emls(),
    );
    expect(runtime.schedule).toBe(running);
    expect(emls()).toHaveLength(1);
    const eml = fs.readFileSync(path.join(outbox, mailFile as string), 'utf8');
    expect(eml).toMatch(/^To: .*<office@example\.cn>/m);
    expect(eml).not.toContain('office-staff@example.cn');
    expect(eml).toMatch(/^Auto-Submitted: auto-generated/m);

    const errors = logLines
      .map((l) => JSON.parse(l) as { msg: string; error?: string })
      .filter((l) => l.msg === 'schedule error')
      .map((l) => l.error);
    expect(errors).toEqual([
      expect.stringMatching(
        /^config\/schedule\.yaml:\d+:\d+: programme\.timezone: "Asia\/Shangai"/,
      ),
      expect.stringMatching(/^config\/schedule\.yaml:\d+:\d+: cycle\.reminders\[1\]\.time: /),
    ]);
    // The file is written before the row is marked sent: wait for the record, not the file.
    const mail = await until('the mail recorded as sent', async () => {
      const rows = await t.db.kysely
        .selectFrom('outgoing_mails')
        .select(['mail_key', 'kind', 'subject', 'status'])
        .where('kind', '=', 'config_error')
        .execute();
      return rows.every((r) => r.status === 'sent') && rows;
    });
    expect(mail).toEqual([
      {
        mail_key: expect.stringMatching(/^config-error:[0-9a-f]{64}$/),
        kind: 'config_error',
        subject: '【配置错误】schedule.yaml有2处错误，修改未生效',
        status: 'sent',
      },
    ]);

    // SIGHUP, the same file saved again, and a second process reloading it: no second mail.
    process.emit('SIGHUP', 'SIGHUP');
    save(broken);
    const second = await startScheduleReload({
      ...scheduleReloadDeps(runtime, path.join(dir, 'missing-at-start.yaml')),
      watch: false,
      sighup: false,
    });
    fs.copyFileSync(file, path.join(dir, 'missing-at-start.yaml'));
    expect(await second.reload('test')).toMatchObject({ result: 'refused', mail: 'already_sent' });
    second.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(emls()).toHaveLength(1);
    expect(runtime.schedule).toBe(running);

    // Fixed again: applied.
    save(example);
    await until('the fixed schedule', async () => runtime.schedule !== running);
    expect(runtime.schedule.cycle.reminders.map((s) => s.id)).toEqual([
      'morning',
      'overdue',
      'escalation',
    ]);
  });
});

/**
 * The sweeper gets unfinished work going again even when BullMQ has finished with its job: an
 * intake job whose worker was SIGKILLed twice is failed by BullMQ as "job stalled more than
 * allowable limit" and kept under its id (removeOnFail: 30 days), so a plain re-enqueue under
 * the same id would do nothing. Real Redis, real child processes, both dialects.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { writeTemplate } from '../../src/adapters/excel/template';
import {
  getRawMessage,
  storeRawMessage,
  submissionsForRawMessage,
} from '../../src/adapters/storage';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { startService, type Service } from '../../src/compose/service';
import { Queues } from '../../src/adapters/queue';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { exampleSchedule } from '../helpers/sheets';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');

describe.each(TEST_DIALECTS)('the sweeper and a job failed as stalled on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let smtp: TestSmtpServer;
  let runtime: Runtime | undefined;
  let service: Service | undefined;
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = (): Record<string, string | undefined> => ({
    DATABASE_URL: t.url,
    SMTP_URL: smtp.url,
    REDIS_URL: redisUrl,
    DUBAN_QUEUE_PREFIX: prefix,
    QUEUE_LOCK_MS: '1000',
    RETRY_DELAY_MS: '100',
    LOG_LEVEL: 'silent',
    DUBAN_CONFIG: path.join(ROOT, 'config', 'schedule.example.yaml'),
    PATH: process.env.PATH,
  });

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await service?.queues.intake.obliterate({ force: true }).catch(() => undefined);
    await service?.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await service?.stop(5_000);
    await runtime?.close();
    await smtp.close();
  });

  /** An intake worker in a child process that SIGKILLs itself right after recording the submission. */
  const dyingWorker = async (): Promise<void> => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'workers', 'intake.js')], {
      env: { ...env(), DUBAN_FAILPOINT: 'after-submission' },
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-rerun-')),
      stdio: 'ignore',
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, s) => resolve(s)),
    );
    expect(signal).toBe('SIGKILL');
  };

  it('runs it again: the message is processed and answered once', async () => {
    const schedule = await exampleSchedule();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await writeTemplate({
        schedule,
        unitId: 'jiaoyu',
        week: '2021-03-15',
      })) as unknown as ExcelJS.Buffer,
    );
    (wb.worksheets[0] as ExcelJS.Worksheet).getCell('H6').value = '已完成清算初审。';
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      attachments: [
        { filename: 'x.xlsx', content: Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer) },
      ],
    });
    const stored = await storeRawMessage(t.db, { raw, source: 'file', fileName: 'x.eml' });
    const jobId = `raw-${stored.id}`;
    const queues = new Queues({ redisUrl, prefix });
    await queues.enqueueIntake({ rawMessageId: stored.id }, jobId);

    // Two workers die holding the job: the second takes it over as stalled (stall count 1).
    await dyingWorker();
    await dyingWorker();

    // The third worker (this process, no sweeper) finds it stalled a second time: BullMQ fails
    // it for good and keeps it.
    runtime = await openRuntime({
      schedule,
      env: env(),
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-rerun-')),
      logger: pino({ level: 'silent' }),
    });
    service = await startService(runtime, { roles: ['intake', 'outbound'] });
    await until(
      'BullMQ to fail the job as stalled',
      async () => (await queues.intake.getJob(jobId))?.failedReason !== undefined,
      20_000,
    );
    const failed = await queues.intake.getJob(jobId);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.failedReason).toMatch(/stalled more than allowable limit/);
    expect((await getRawMessage(t.db, stored.id))?.outcome).toBeNull();
    // A plain enqueue under the same id does nothing.
    await queues.enqueueIntake({ rawMessageId: stored.id }, jobId);
    expect(await (await queues.intake.getJob(jobId))?.getState()).toBe('failed');

    // The sweeper runs it again (and finds its answer, committed with the submission, unsent).
    expect(await service.sweep(0)).toEqual({ messages: 1, mails: 1 });
    await until(
      'the message to be processed',
      async () => (await getRawMessage(t.db, stored.id))?.outcome != null,
      20_000,
    );
    await smtp.waitForMessages(1, 20_000);
    // Nothing left for the sweeper, and nothing sent twice.
    expect(await service.sweep(0)).toEqual({ messages: 0, mails: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(1);
    expect(await submissionsForRawMessage(t.db, stored.id)).toHaveLength(1);
    await queues.close();
  });
});

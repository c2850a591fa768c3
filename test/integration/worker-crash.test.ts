/**
 * A processing worker killed with SIGKILL in the middle of a job (right after it recorded the
 * submission, before it queued the receipt): another worker takes the stalled job over, and the
 * unit ends up with one submission and one receipt. Real Redis, a real child process.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { writeTemplate } from '../../src/adapters/excel/template';
import { storeRawMessage, submissionsForRawMessage } from '../../src/adapters/storage';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { startService, type Service } from '../../src/compose/service';
import { Queues } from '../../src/adapters/queue';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { exampleSchedule } from '../helpers/sheets';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');

describe.each(TEST_DIALECTS)('a worker killed mid-job on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let smtp: TestSmtpServer;
  let schedule: Schedule;
  let runtime: Runtime | undefined;
  let service: Service | undefined;
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

  beforeAll(async () => {
    schedule = await exampleSchedule();
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await service?.queues.intake.obliterate({ force: true }).catch(() => undefined);
    await service?.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await service?.stop(5_000);
    await runtime?.close();
    await smtp.close();
  });

  it('is taken over by another worker: one submission, one receipt', async () => {
    const env = {
      DATABASE_URL: t.url,
      SMTP_URL: smtp.url,
      REDIS_URL: redisUrl,
      DUBAN_QUEUE_PREFIX: prefix,
      QUEUE_LOCK_MS: '1500',
      RETRY_DELAY_MS: '100',
      LOG_LEVEL: 'silent',
      DUBAN_CONFIG: path.join(ROOT, 'config', 'schedule.example.yaml'),
      PATH: process.env.PATH,
    };
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

    // The first worker: a separate process that kills itself right after recording the submission.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'workers', 'intake.js')], {
      env: { ...env, DUBAN_FAILPOINT: 'after-submission' },
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-crash-')),
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const queues = new Queues({ redisUrl, prefix });
    await queues.enqueueIntake({ rawMessageId: stored.id }, `raw-${stored.id}`);
    await queues.close();
    expect(await exited).toBe('SIGKILL');
    expect(await submissionsForRawMessage(t.db, stored.id)).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);

    // The second worker (this process) finds the job stalled and runs it again.
    runtime = await openRuntime({
      schedule,
      env,
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-crash-')),
      logger: pino({ level: 'silent' }),
    });
    service = await startService(runtime, { roles: ['intake', 'outbound'] });
    await smtp.waitForMessages(1, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.rcptTo).toEqual(['jiaoyu@example.cn']);
    expect(await submissionsForRawMessage(runtime.db, stored.id)).toHaveLength(1);
  });
});

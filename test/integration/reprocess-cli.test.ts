/** `duban reprocess` on SQLite: messages seeded through the intake, processed again by the CLI. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answersTo, auditEntries } from '../../src/adapters/storage';
import type { ReprocessSummary } from '../../src/cli/commands/reprocess';
import type { Schedule } from '../../src/config/schedule';
import { capture, run } from '../helpers/cli';
import { useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';

const MONDAY_10 = new Date('2021-03-15T02:00:00Z');

describe('duban reprocess on SQLite', () => {
  const t = useTestDatabase('sqlite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-reprocess-'));
  const outbox = path.join(dir, 'outbox');
  let schedule: Schedule;
  let h: IntakeHarness;
  const ids: Record<string, number> = {};

  const duban = (args: string[]) =>
    run(
      [...args, '--now', '2021-03-16T10:00:00+08:00', '--by', 'office-test'],
      capture(
        {
          DATABASE_URL: t.url,
          OUTBOX_DIR: outbox,
          DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
          LOG_LEVEL: 'silent',
        },
        dir,
      ),
    );
  const sentByCli = () =>
    fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];

  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
    for (const unit of ['jiaoyu', 'weijian']) {
      const raw = await buildEml({
        from: `${unit}@example.cn`,
        date: MONDAY_10,
        attachments: [
          {
            filename: '问题清单.xlsx',
            content: await filledTemplate(schedule, unit, {
              week: '2021-03-15',
              progress: '按计划推进。',
            }),
          },
        ],
      });
      const o = await h.ingest(t.db, raw, { internalDate: MONDAY_10 });
      expect(o).toMatchObject({ outcome: 'accepted', unit, week: '2021-03-15' });
      ids[unit] = o.rawMessageId;
    }
    // A stranger's message has no reporting week: not part of the week's reprocess.
    const stranger = await h.ingest(
      t.db,
      await buildEml({ from: 'someone@example.org', date: MONDAY_10, text: '你好' }),
      { internalDate: MONDAY_10 },
    );
    expect(stranger.outcome).toBe('quarantined');
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('processes a week again without answering twice, and prints the summary with --json', async () => {
    const { code, io } = await duban(['reprocess', '--week', '2021-03-15', '--json']);
    expect(io.stderr).toMatch(/^reprocess: 2\/2 \(100%\), \d+\.\d\/s, done\n$/m);
    expect(code).toBe(0);
    const summary = JSON.parse(io.stdout) as ReprocessSummary;
    expect(summary).toMatchObject({
      selection: { week: '2021-03-15' },
      total: 2,
      processed: 2,
      failed: 0,
      outcomes: { accepted: 2 },
      newAnswers: 0,
    });
    expect(summary.messages).toEqual([
      expect.objectContaining({
        id: ids.jiaoyu,
        outcome: 'accepted',
        unit: 'jiaoyu',
        week: '2021-03-15',
        answerKey: `reply:${ids.jiaoyu}`,
        newAnswer: false,
      }),
      expect.objectContaining({ id: ids.weijian, unit: 'weijian', newAnswer: false }),
    ]);
    expect(sentByCli()).toEqual([]);
    const audits = await auditEntries(t.db, { event: 'message.reprocessed' });
    expect(audits).toHaveLength(2);
  });

  it('answers again under a new key with --answer, numbered after every earlier reprocess', async () => {
    const id = ids.jiaoyu as number;
    // The week's reprocess above was the first (audit log): the first new answer is the second.
    const first = await duban(['reprocess', '--id', String(id), '--answer', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.io.stdout)).toMatchObject({
      newAnswers: 1,
      messages: [{ id, answerKey: `reprocess:${id}:2`, newAnswer: true }],
    });
    const second = await duban(['reprocess', '--id', String(id), '--answer', '--json']);
    expect(JSON.parse(second.io.stdout)).toMatchObject({
      messages: [{ id, answerKey: `reprocess:${id}:3`, newAnswer: true }],
    });
    expect(sentByCli()).toHaveLength(2);
    expect((await answersTo(t.db, id)).map((a) => `${a.key} ${a.status}`)).toEqual([
      `reply:${id} sent`,
      `reprocess:${id}:2 sent`,
      `reprocess:${id}:3 sent`,
    ]);
    // Without --answer, the latest answer's key is reused: nothing more is sent.
    const again = await duban(['reprocess', '--id', String(id), '--json']);
    expect(JSON.parse(again.io.stdout)).toMatchObject({
      messages: [{ id, answerKey: `reprocess:${id}:3`, newAnswer: false }],
    });
    expect(sentByCli()).toHaveLength(2);
  });

  it('selects by unit, and prints a one-line summary', async () => {
    const { code, io } = await duban(['reprocess', '--unit', 'weijian']);
    expect(code).toBe(0);
    expect(io.stdout).toBe('reprocessed 1 of 1 messages (1 accepted); 0 new answers; 0 failed\n');
  });

  it('refuses a run without a selection, a bad id list and an unknown unit', async () => {
    expect((await duban(['reprocess'])).io.stderr).toMatch(/say which messages/);
    const bad = await duban(['reprocess', '--id', '1,x']);
    expect(bad.code).toBe(1);
    expect(bad.io.stderr).toMatch(/--id "1,x" is not a list of message ids/);
    const unknown = await duban(['reprocess', '--unit', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.io.stderr).toMatch(/no unit "nobody"/);
  });
});

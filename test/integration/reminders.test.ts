/**
 * Reminders end to end on SQLite and PostgreSQL: submissions recorded by the real intake, the
 * ladder planned from the database, mails composed with the pre-filled template and written to a
 * file outbox. Each stage runs twice, and twice at once, and one mail goes out (the task run
 * twice → one mail). Fixed clocks everywhere; each test uses a week of its own (the database is
 * shared by the block).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { writeTemplate } from '../../src/adapters/excel/template';
import { remindersSent, type Db } from '../../src/adapters/storage';
import { reminderStillDue, sendDueReminders, type ReminderDeps } from '../../src/app/reminders';
import { reminderDepsOver, weekReadsOver } from '../../src/compose/week-deps';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness, type SentMail } from '../helpers/intake';
import { capture, run } from '../helpers/cli';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(60_000);

async function filledSheet(schedule: Schedule, unitId: string, progress: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({ schedule, unitId, week: '2021-03-15' })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  ws.getCell('F6').value = '项目审批方面：无\n资金概算方面：资金缺口约200万元。';
  ws.getCell('G6').value = '区财政局、区住建局';
  ws.getCell('H6').value = progress;
  ws.getCell('I6').value = '建议尽快安排资金。';
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe.each(TEST_DIALECTS)('reminders on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let h: IntakeHarness;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
  });
  afterAll(async () => h.close());

  const deps = (db: Db = t.db, worker = 'test'): ReminderDeps =>
    reminderDepsOver({
      db,
      schedule,
      transport: h.transport,
      logger,
      dailyCap: 1000,
      from: 'duban-inbox@example.cn',
      workerName: worker,
    });

  const send = async (unit: string, when: string, attachment?: { name: string; bytes: Buffer }) =>
    h.ingest(
      t.db,
      await buildEml({
        from: `${unit}@example.cn`,
        date: new Date(when),
        attachments: attachment ? [{ filename: attachment.name, content: attachment.bytes }] : [],
      }),
      { internalDate: new Date(when) },
    );

  /** Runs `fn` and returns the reminder mails it put in the outbox (receipts left out). */
  const mailsOf = async (fn: () => Promise<unknown>): Promise<SentMail[]> => {
    const before = new Set((await h.sent()).map((m) => m.file));
    await fn();
    return (await h.sent()).filter(
      (m) => !before.has(m.file) && /^【(提醒|逾期|督办)】/.test(m.parsed.subject ?? ''),
    );
  };
  const rcpt = (m: SentMail, field: 'to' | 'cc'): string[] => {
    const v = m.parsed[field];
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    return list.flatMap((a) => a.value.map((x) => x.address ?? '')).sort();
  };

  it('runs the week’s ladder: each stage once, only to units without a sheet, even when run twice', async () => {
    // Last week weijian sent a sheet: this week's reminder carries its answers.
    await send('weijian', '2021-03-15T02:00:00Z', {
      name: '问题清单.xlsx',
      bytes: await filledSheet(schedule, 'weijian', '上周进展：主体结构施工中。'),
    });
    // This week jiaoyu sends before 09:00; jiaotong's sheet covers the co-lead xincheng.
    await send('jiaoyu', '2021-03-22T00:00:00Z', {
      name: 'a.xlsx',
      bytes: await filledSheet(schedule, 'jiaoyu', '进展。'),
    });
    await send('jiaotong', '2021-03-22T00:30:00Z', {
      name: 'b.xlsx',
      bytes: await filledSheet(schedule, 'jiaotong', '进展。'),
    });

    const week = ['2021-03-22'];
    const morningAt = new Date('2021-03-22T01:00:05Z');
    const morning = await mailsOf(() => sendDueReminders(deps(), morningAt, { weeks: week }));
    expect(morning.map((m) => rcpt(m, 'to')).sort()).toEqual([
      ['nongshui@example.cn'],
      ['weijian@example.cn'],
    ]);
    for (const m of morning) {
      expect(m.parsed.subject).toBe('【提醒】请于今日18:00前报送2021年3月22日当周问题清单');
      expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    }
    // Run again, and again later that morning: nothing more.
    expect(await mailsOf(() => sendDueReminders(deps(), morningAt, { weeks: week }))).toEqual([]);
    expect(
      await mailsOf(() =>
        sendDueReminders(deps(), new Date('2021-03-22T01:30:00Z'), { weeks: week }),
      ),
    ).toEqual([]);

    // The template attached to weijian's reminder holds last week's answers and the status column.
    const toWeijian = morning.find((m) => rcpt(m, 'to')[0] === 'weijian@example.cn');
    const attachment = toWeijian?.parsed.attachments[0];
    expect(attachment?.filename).toBe('问题清单-weijian-2021-03-22.xlsx');
    const sheet = await readIssueSheet(attachment?.content as Buffer, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-22',
    });
    expect(sheet.filledOn).toBe('2021-03-22');
    expect(sheet.projects[0]).toMatchObject({
      projectId: 'p2',
      progress: '上周进展：主体结构施工中。',
      responsibleDepartments: ['区财政局', '区住建局'],
      problems: { approval: null, funding: '资金缺口约200万元。' },
    });
    expect(toWeijian?.parsed.text).toContain('以及你单位2021年3月15日当周报送的内容');
    // nongshui sent nothing last week: its template is blank.
    const toNongshui = morning.find((m) => rcpt(m, 'to')[0] === 'nongshui@example.cn');
    expect(toNongshui?.parsed.text).toContain('可直接在其中填写');

    // nongshui sends at 10:00: from now on it is left alone.
    await send('nongshui', '2021-03-22T02:00:00Z', {
      name: 'c.xlsx',
      bytes: await filledSheet(schedule, 'nongshui', '进展。'),
    });
    const overdueAt = new Date('2021-03-22T10:30:00Z');
    const overdue = await mailsOf(async () => {
      await sendDueReminders(deps(), overdueAt, { weeks: week });
      await sendDueReminders(deps(), overdueAt, { weeks: week });
    });
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.parsed.subject).toBe(
      '【逾期】请尽快报送2021年3月22日当周问题清单（截止时间3月22日18:00已过）',
    );
    expect(rcpt(overdue[0] as SentMail, 'to')).toEqual(['weijian@example.cn']);
    expect(rcpt(overdue[0] as SentMail, 'cc')).toEqual(['weijian-head@example.cn']);

    const escalationAt = new Date('2021-03-23T01:00:00Z');
    const escalation = await mailsOf(async () => {
      await sendDueReminders(deps(), escalationAt, { weeks: week });
      await sendDueReminders(deps(), escalationAt, { weeks: week });
    });
    expect(escalation).toHaveLength(1);
    const e = escalation[0] as SentMail;
    expect(e.parsed.subject).toBe('【督办】区卫健局未按时报送2021年3月22日当周问题清单');
    expect(rcpt(e, 'to')).toEqual(['convenor-2@example.cn']);
    expect(rcpt(e, 'cc')).toEqual(['office-staff@example.cn', 'office@example.cn']);
    expect(e.parsed.attachments).toEqual([]);
    expect(e.parsed.text).toContain('泉港医院病房大楼2#楼及附属配套设施项目');
    expect(e.parsed.text).toContain('本周未收到该单位发送的问题清单。');
    expect(e.parsed.text).toContain('2021年3月22日（星期一）18:30 逾期提醒');

    const sent = await remindersSent(t.db, '2021-03-22');
    expect(sent.map((s) => `${s.unitId}:${s.stage}`).sort()).toEqual([
      'nongshui:morning',
      'weijian:escalation',
      'weijian:morning',
      'weijian:overdue',
    ]);
  });

  it('duban template pre-fills last week’s answers from the database, unless --blank', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-template-cli-'));
    const args = ['template', '--unit', 'weijian', '--week', '2021-03-22', '--config'];
    const filled = await run(
      [...args, 'config/schedule.example.yaml', '-o', path.join(dir, 'a.xlsx')],
      capture({ DATABASE_URL: t.url }),
    );
    expect(filled.code).toBe(0);
    expect(filled.io.stdout).toContain('pre-filled with the answers of week 2021-03-15');
    const sheet = await readIssueSheet(fs.readFileSync(path.join(dir, 'a.xlsx')), {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-22',
    });
    expect(sheet.projects[0]?.progress).toBe('上周进展：主体结构施工中。');

    const blank = await run(
      [...args, 'config/schedule.example.yaml', '-o', path.join(dir, 'b.xlsx'), '--blank'],
      capture({ DATABASE_URL: t.url }),
    );
    expect(blank.io.stdout).not.toContain('pre-filled');
    // No database at all (the default SQLite file does not exist): written, nothing created.
    const none = await run(
      [...args, path.resolve('config/schedule.example.yaml'), '-o', 'c.xlsx'],
      capture({}, dir),
    );
    expect(none.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'c.xlsx'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('two workers running the same stage at the same moment send one mail per unit', async () => {
    const other = await t.open();
    const at = new Date('2021-04-12T01:00:00Z');
    const mails = await mailsOf(() =>
      Promise.all([
        sendDueReminders(deps(t.db, 'worker-a'), at, { weeks: ['2021-04-12'] }),
        sendDueReminders(deps(other, 'worker-b'), at, { weeks: ['2021-04-12'] }),
        sendDueReminders(deps(other, 'worker-c'), at, { weeks: ['2021-04-12'] }),
      ]),
    );
    expect(mails.map((m) => rcpt(m, 'to')[0]).sort()).toEqual([
      'jiaotong@example.cn',
      'jiaoyu@example.cn',
      'nongshui@example.cn',
      'weijian@example.cn',
      'xincheng@example.cn',
    ]);
    const rows = await t.db.kysely
      .selectFrom('outgoing_mails')
      .select(['mail_key', 'status'])
      .where('reporting_week', '=', '2021-04-12')
      .execute();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('sends nothing on the Qingming Monday; the morning reminder goes on Tuesday 2021-04-06', async () => {
    const week = ['2021-04-05'];
    const monday = await mailsOf(async () => {
      for (const iso of ['2021-04-05T01:00:00Z', '2021-04-05T10:30:00Z']) {
        await sendDueReminders(deps(), new Date(iso), { weeks: week });
      }
    });
    expect(monday).toEqual([]);
    const tuesday = await mailsOf(() =>
      sendDueReminders(deps(), new Date('2021-04-06T01:00:00Z'), { weeks: week }),
    );
    expect(tuesday).toHaveLength(5);
    expect(tuesday[0]?.parsed.subject).toBe('【提醒】请于今日18:00前报送2021年4月5日当周问题清单');
    expect(tuesday[0]?.parsed.text).toContain('截止时间为2021年4月6日（星期二）18:00');
  });

  it('the escalation says what an invalid unit sent and when; a queued reminder is moot once a sheet arrives', async () => {
    const week = ['2021-03-29'];
    await send('weijian', '2021-03-29T02:02:00Z', {
      name: '问题清单.xls',
      bytes: Buffer.from('d0cf11e0a1b11ae1', 'hex'),
    });
    const escalation = await mailsOf(() =>
      sendDueReminders(deps(), new Date('2021-03-30T01:00:00Z'), { weeks: week }),
    );
    const toLeader = escalation.find((m) => m.parsed.subject?.includes('区卫健局'));
    expect(toLeader?.parsed.text).toContain(
      '2021年3月29日（星期一）10:02发送的邮件未能使用：附件不是可读取的问题清单文件',
    );
    expect(toLeader?.parsed.text).toContain('系统已当即回复该单位，说明需修改之处');

    // The nongshui escalation is still due; once its sheet arrives, it is not.
    const key = 'reminder:2021-03-29:nongshui:escalation';
    const now = new Date('2021-03-30T02:00:00Z');
    expect(await reminderStillDue(weekReadsOver(t.db), schedule, key, now)).toBe(true);
    await send('nongshui', '2021-03-30T01:30:00Z', {
      name: 'c.xlsx',
      bytes: await filledSheet(schedule, 'nongshui', '进展。'),
    });
    expect(await reminderStillDue(weekReadsOver(t.db), schedule, key, now)).toBe(false);
    expect(await reminderStillDue(weekReadsOver(t.db), schedule, 'reply:1', now)).toBe(false);
  });

  it('duban remind --dry-run shows what would go out and to whom, and sends nothing; without it, sends once', async () => {
    const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-remind-cli-'));
    const env = { DATABASE_URL: t.url, OUTBOX_DIR: outbox, LOG_LEVEL: 'silent' };
    const args = [
      'remind',
      '--week',
      '2021-04-19',
      '--now',
      '2021-04-19T18:45:00+08:00',
      '--config',
      'config/schedule.example.yaml',
    ];
    const dry = await run([...args, '--dry-run'], capture(env));
    expect(dry.code).toBe(0);
    expect(dry.io.stdout).toContain('week 2021-04-19: deadline 2021-04-19T18:00:00+08:00');
    expect(dry.io.stdout).toContain('5 reminder(s) would go out');
    expect(dry.io.stdout).toMatch(
      /2021-04-19 overdue\s+jiaoyu\s+to jiaoyu@example\.cn cc jiaoyu-head@example\.cn/,
    );
    expect(dry.io.stdout).toContain('【逾期】请尽快报送2021年4月19日当周问题清单');
    expect(fs.readdirSync(outbox)).toEqual([]);
    expect(await remindersSent(t.db, '2021-04-19')).toEqual([]);

    const json = await run([...args, '--dry-run', '--json'], capture(env));
    const report = JSON.parse(json.io.stdout) as {
      weeks: Array<{ stages: Array<{ id: string; at: string }> }>;
      reminders: Array<{ key: string; outcome: string }>;
    };
    expect(report.weeks[0]?.stages.map((s) => `${s.id} ${s.at}`)).toEqual([
      'morning 2021-04-19T09:00:00+08:00',
      'overdue 2021-04-19T18:30:00+08:00',
      'escalation 2021-04-20T09:00:00+08:00',
    ]);
    expect(report.reminders.map((r) => r.outcome)).toEqual(Array(5).fill('dry_run'));

    const real = await run(args, capture(env));
    expect(real.code).toBe(0);
    expect(real.io.stdout).toContain('[sent]');
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(5);
    const again = await run(args, capture(env));
    expect(again.io.stdout).toContain('no reminder is due');
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(5);
  });
});

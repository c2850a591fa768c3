/**
 * The Monday digest from the database, on SQLite and PostgreSQL: the known week renders exactly
 * as the golden files (test/fixtures/digest; `UPDATE_GOLDEN=1` rewrites them from SQLite), the
 * attachment holds every project and problem, and sending is exactly once per version.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { createMailTransport, type MailTransport } from '../../src/adapters/mail/transport';
import { getMail, type Db } from '../../src/adapters/storage';
import { buildDigest, digestVersions, sendDigest } from '../../src/app/digest';
import {
  digestBuildDepsOver,
  digestSendDepsOver,
  weekReadsOver,
} from '../../src/compose/week-deps';
import { deliverQueued, type DeliverDeps } from '../../src/adapters/mail/outbox';
import type { Schedule } from '../../src/config/schedule';
import { DEPARTMENT_SHEET, SUMMARY_SHEET } from '../../src/adapters/excel/digest-workbook';
import { NOW, PREVIOUS_WEEK, seedDigestScenario, WEEK } from '../fixtures/digest/scenario';
import { writeTemplate } from '../../src/adapters/excel/template';
import { capture, ROOT, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness } from '../helpers/intake';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';

const GOLDEN = path.join(__dirname, '..', 'fixtures', 'digest');
const EXAMPLE = path.join(ROOT, 'config', 'schedule.example.yaml');

function golden(name: string, actual: string, dialect: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN && dialect === 'sqlite') fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
}

async function sheetTexts(bytes: Uint8Array): Promise<Map<string, string[]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const out = new Map<string, string[]>();
  wb.eachSheet((ws) => {
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => void texts.push(cellText(c.value))));
    out.set(ws.name, texts);
  });
  return out;
}

function outboxTransport(): { dir: string; transport: MailTransport } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-digest-outbox-'));
  const transport = createMailTransport({
    transport: { mode: 'outbox', dir },
    from: 'duban-inbox@example.cn',
    dailyCap: 10,
    warnings: [],
  });
  return { dir, transport };
}

function emls(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

describe.each(TEST_DIALECTS)('the digest on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    await seedDigestScenario(t.db);
  });

  it('renders the known week exactly as the golden HTML and text', async () => {
    const d = await buildDigest(digestBuildDepsOver(t.db), schedule, WEEK, NOW);
    expect(d.subject).toBe('【督办周报】2021年3月22日当周重点项目问题清单汇总');
    golden('2021-03-22.txt', d.text, dialect);
    golden('2021-03-22.html', d.html, dialect);
    // The sample workbook next to them (for people, and scripts/render-digest.sh) holds the same
    // cells; its bytes differ from build to build (zip timestamps).
    const sample = path.join(GOLDEN, '2021-03-22.xlsx');
    if (process.env.UPDATE_GOLDEN && dialect === 'sqlite') fs.writeFileSync(sample, d.xlsx);
    expect(await sheetTexts(d.xlsx)).toEqual(await sheetTexts(fs.readFileSync(sample)));
  });

  it('marks problems new, changed or unchanged against the previous week’s current sheet', async () => {
    const { model } = await buildDigest(digestBuildDepsOver(t.db), schedule, WEEK, NOW);
    const marks = Object.fromEntries(
      model.projects.flatMap((p) =>
        p.problems.map((q) => [`${p.projectId}.${q.key}`, [q.mark, q.weeks]]),
      ),
    );
    expect(marks).toEqual({
      'p1.approval': ['unchanged', 2],
      'p1.funding': ['changed', 1],
      'p1.land': ['new', 1],
      'p3.land': ['unchanged', 2],
      'p3.construction': ['new', 1],
      'p3.community': ['changed', 1],
      'p4.land': ['unchanged', 2],
      'p4.construction': ['unchanged', 2],
      'p4.uncategorized': ['new', 1],
    });
    expect(model.projects.find((p) => p.projectId === 'p1')?.cleared).toEqual([
      { key: 'construction', label: '工程施工' },
    ]);
    // The previous week has nothing earlier to compare with: everything in it is new.
    const before = await buildDigest(
      digestBuildDepsOver(t.db),
      schedule,
      PREVIOUS_WEEK,
      new Date('2021-03-16T00:00:00Z'),
    );
    expect(
      before.model.projects.flatMap((p) => p.problems.map((q) => q.mark)).every((m) => m === 'new'),
    ).toBe(true);
  });

  it('opens with who has not submitted, overdue targets and what the office must handle', async () => {
    const { model, text } = await buildDigest(digestBuildDepsOver(t.db), schedule, WEEK, NOW);
    expect(model.submissions.map((s) => [s.unitId, s.state, s.reminders])).toEqual([
      ['jiaoyu', 'on_time', []],
      ['weijian', 'missing', ['morning', 'overdue']],
      ['jiaotong', 'on_time', []],
      ['xincheng', 'on_time', []],
      ['nongshui', 'late', []],
    ]);
    expect(model.targets.map((x) => [x.projectSeq, x.kind, x.days, x.text])).toEqual([
      [2, 'overdue', 26, '完成对额外新增工程建设事项的辨别、剔除工作'],
      [3, 'overdue', 5, '解决好因施工震动引起的群众阻工问题'],
      [4, 'overdue', 5, '完成移杆迁线施工扫尾工作'],
      [3, 'due_soon', 2, '完成项目设计、预算、招投标'],
      [4, 'due_soon', 2, '完成最后2公里截污工程施工任务'],
      [1, 'due_soon', 7, '完成重新招投标'],
      [2, 'due_soon', 7, '同步组织人力、机械进场施工'],
    ]);
    expect(model.office.quarantined).toHaveLength(1);
    expect(model.office.unsentMails).toEqual([
      expect.objectContaining({ kind: '回执', to: 'xincheng@example.cn' }),
    ]);
    expect(model.office.warnings.map((w) => w.unitName)).toEqual(['新城投资公司', '区农水局']);
    const lines = text.split('\n');
    expect(lines.slice(0, 9).join('\n')).toContain('未报送1个（区卫健局）');
    expect(lines.slice(0, 10).join('\n')).toContain('逾期未完成3项，7日内到期4项');
  });

  it('attaches a workbook holding every project and every problem (read back by exceljs)', async () => {
    const d = await buildDigest(digestBuildDepsOver(t.db), schedule, WEEK, NOW);
    const sheets = await sheetTexts(d.xlsx);
    expect([...sheets.keys()]).toEqual([SUMMARY_SHEET, DEPARTMENT_SHEET]);
    const summary = (sheets.get(SUMMARY_SHEET) ?? []).join('\n');
    const byDepartment = (sheets.get(DEPARTMENT_SHEET) ?? []).join('\n');
    for (const p of schedule.projects) {
      expect(summary).toContain(p.name);
      for (const target of p.targets) expect(summary).toContain(target.text);
    }
    for (const p of d.model.projects) {
      for (const q of p.problems) {
        expect(summary).toContain(q.text);
        expect(byDepartment).toContain(q.text);
      }
    }
    expect(summary).toContain('（本周未报送问题清单）');
    for (const dep of d.model.departments) expect(byDepartment).toContain(dep.name);
  });

  it('shows a sheet received by mail through the intake in that week’s digest', async () => {
    const week = '2021-04-19';
    const h = createIntakeHarness(() => schedule);
    try {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(
        (await writeTemplate({ schedule, unitId: 'jiaoyu', week })) as unknown as ExcelJS.Buffer,
      );
      const ws = wb.worksheets[0] as ExcelJS.Worksheet;
      ws.getCell('F6').value =
        '项目审批方面：无\n资金概算方面：招标控制价调整需区财政局审核。\n规划用地方面：无\n工程施工方面：无\n群众工作方面：无';
      ws.getCell('G6').value = '区财政局';
      ws.getCell('H6').value = '已提交招标控制价调整申请。';
      ws.getCell('I6').value = '建议区财政局本周内完成审核。';
      const raw = await buildEml({
        from: 'jiaoyu@example.cn',
        attachments: [
          {
            filename: '问题清单.xlsx',
            content: Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer),
          },
        ],
      });
      const o = await h.ingest(t.db, raw, { internalDate: new Date('2021-04-19T02:00:00Z') });
      expect(o).toMatchObject({ outcome: 'accepted', week });

      const d = await buildDigest(
        digestBuildDepsOver(t.db),
        schedule,
        week,
        new Date('2021-04-20T00:00:00Z'),
      );
      expect(d.model.submissions.find((s) => s.unitId === 'jiaoyu')).toMatchObject({
        state: 'on_time',
        submittedAt: '4月19日 10:00',
      });
      expect(d.model.projects[0]).toMatchObject({
        reported: true,
        departments: ['区财政局'],
        problems: [
          expect.objectContaining({
            key: 'funding',
            text: '招标控制价调整需区财政局审核。',
            // Compared with the project's last report (the scenario's week of 3月22日).
            mark: 'changed',
          }),
        ],
      });
      expect(d.text).toContain('资金概算【有变化】招标控制价调整需区财政局审核。');
      expect(d.model.summary).toMatchObject({ onTime: 1, missing: 4 });
    } finally {
      await h.close();
    }
  });
});

describe.each(TEST_DIALECTS)('sending the digest on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let outbox: { dir: string; transport: MailTransport };
  type SendParts = DeliverDeps & { schedule: Schedule; from: string; claimedBy: string };
  let parts: (db: Db, now: Date, attempt: string) => SendParts;
  const deps = (db: Db, now: Date, attempt: string) => digestSendDepsOver(parts(db, now, attempt));
  beforeAll(async () => {
    schedule = await exampleSchedule();
    await seedDigestScenario(t.db);
    outbox = outboxTransport();
    const logger = pino({ level: 'silent' });
    parts = (db, now, attempt) => ({
      db,
      schedule,
      transport: outbox.transport,
      logger,
      dailyCap: 10,
      now: () => now,
      from: 'duban-inbox@example.cn',
      claimedBy: `test:${attempt}`,
    });
  });
  afterAll(async () => outbox.transport.close());

  it('sends each --send as a new version with its own key, labelled from the second on', async () => {
    const first = await sendDigest(deps(t.db, NOW, 'a'), WEEK);
    expect(first).toMatchObject({ key: `digest:${WEEK}:v1`, version: 1, outcome: 'sent' });
    const later = new Date(NOW.getTime() + 3 * 3_600_000);
    const second = await sendDigest(deps(t.db, later, 'b'), WEEK);
    expect(second).toMatchObject({ key: `digest:${WEEK}:v2`, version: 2, outcome: 'sent' });

    const files = emls(outbox.dir);
    expect(files).toHaveLength(2);
    const mails = await Promise.all(
      files.map(async (f) => simpleParser(fs.readFileSync(path.join(outbox.dir, f)))),
    );
    const subjects = mails.map((m) => m.subject).sort();
    expect(subjects).toEqual([
      '【督办周报】2021年3月22日当周重点项目问题清单汇总',
      '【督办周报】2021年3月22日当周重点项目问题清单汇总（更新版，第2版）',
    ]);
    const v2 = mails.find((m) => m.subject?.includes('第2版'));
    expect(v2?.text).toContain('本件为更新版（第2版），前一版已于2021年3月23日（星期二）08:00发出');
    for (const m of mails) {
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.html).toContain('<table');
      expect(m.html).not.toMatch(/<style|<link|<script|src="http/i);
      const to = m.to && !Array.isArray(m.to) ? m.to.value.map((a) => a.address) : [];
      const cc = m.cc && !Array.isArray(m.cc) ? m.cc.value.map((a) => a.address) : [];
      expect(to).toEqual([
        'chief@example.cn',
        'convenor-1@example.cn',
        'convenor-2@example.cn',
        'convenor-3@example.cn',
        'convenor-4@example.cn',
      ]);
      expect(cc).toEqual(['office@example.cn', 'office-staff@example.cn']);
      expect(m.attachments.map((a) => a.filename)).toEqual([
        expect.stringMatching(/^问题清单汇总-2021-03-22(-第2版)?\.xlsx$/),
      ]);
    }
    const row = await getMail(t.db, `digest:${WEEK}:v1`);
    expect(row).toMatchObject({ kind: 'digest', status: 'sent', reporting_week: WEEK });
  });

  it('sends a retried send of the same version once', async () => {
    const before = emls(outbox.dir).length;
    const later = new Date(NOW.getTime() + 5 * 3_600_000);
    const again = await sendDigest(deps(t.db, later, 'c'), WEEK, { version: 2 });
    expect(again).toMatchObject({ version: 2, retried: true, outcome: 'already_sent' });
    const delivered = await deliverQueued(parts(t.db, later, 'd'), `digest:${WEEK}:v2`, 'test:d');
    expect(delivered).toBe('already_sent');
    expect(emls(outbox.dir)).toHaveLength(before);
  });

  it('delivers a version queued before an interruption instead of making a new one', async () => {
    const week = '2021-03-29';
    const later = new Date('2021-03-30T00:00:00Z');
    // Queued, then the process died before delivering: the transport refuses to send.
    const broken = digestSendDepsOver({
      ...parts(t.db, later, 'e'),
      transport: {
        ...outbox.transport,
        deliver: () =>
          Promise.reject(
            Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          ),
      },
    });
    const first = await sendDigest(broken, week);
    expect(first).toMatchObject({ version: 1, outcome: 'retry' });
    const before = emls(outbox.dir).length;
    const retried = await sendDigest(deps(t.db, later, 'f'), week);
    expect(retried).toMatchObject({ key: `digest:${week}:v1`, retried: true, outcome: 'sent' });
    expect(retried.mail.subject).toBe('【督办周报】2021年3月29日当周重点项目问题清单汇总');
    expect(emls(outbox.dir)).toHaveLength(before + 1);
    expect(
      (await digestVersions(weekReadsOver(t.db), week)).map((v) => [v.version, v.status]),
    ).toEqual([[1, 'sent']]);
  });

  it('duban digest writes the three files, and --send sends the next version', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-digest-cli-'));
    const env = { DATABASE_URL: t.url, OUTBOX_DIR: path.join(out, 'outbox') };
    const preview = await run(
      [
        'digest',
        '--week',
        WEEK,
        '--out',
        out,
        '--now',
        '2021-03-23T12:00:00+08:00',
        '--config',
        EXAMPLE,
      ],
      capture(env),
    );
    expect(preview.io.stderr).toBe('');
    expect(preview.code).toBe(0);
    expect(preview.io.stdout).toContain('not sent (preview of version 3');
    expect(fs.readFileSync(path.join(out, 'digest.txt'), 'utf8')).toContain('（更新版，第3版）');
    expect(fs.readFileSync(path.join(out, 'digest.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(fs.readFileSync(path.join(out, 'digest.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(fs.existsSync(env.OUTBOX_DIR)).toBe(false);

    const sent = await run(
      [
        'digest',
        '--week',
        WEEK,
        '--out',
        out,
        '--send',
        '--now',
        '2021-03-23T12:00:00+08:00',
        '--config',
        EXAMPLE,
      ],
      capture(env),
    );
    expect(sent.io.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.io.stdout).toContain(`digest:${WEEK}:v3 (a new version) to 5 (cc 2): sent`);
    expect(emls(env.OUTBOX_DIR)).toHaveLength(1);
  });

  it('duban digest refuses a date that is not a Monday, and sending outside the active period', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-digest-cli-'));
    const env = { DATABASE_URL: t.url };
    const bad = await run(['digest', '--week', '2021-03-23', '--out', out], capture(env));
    expect(bad.code).toBe(1);
    expect(bad.io.stderr).toContain('2021-03-22');
    const outside = await run(
      ['digest', '--week', '2021-01-04', '--out', out, '--send', '--config', EXAMPLE],
      capture(env),
    );
    expect(outside.code).toBe(1);
    expect(outside.io.stderr).toContain('outside the programme');
  });
});

/**
 * The digest at province scale and with agreed items: above FULL_BODY_MAX_PROJECTS projects the
 * mail body is compact (what needs the convenors first, every list bounded, ≤ 150 KB at 500
 * projects) and the full detail is attached; a district programme keeps the full body; the
 * section 议定事项督办 and its summary line come from the DecisionStore, coloured at the digest's
 * `now`.
 */
import ExcelJS from 'exceljs';
import { excelDigestWorkbookWriter, ITEMS_SHEET } from '../../src/adapters/excel/digest-workbook';
import { buildDigest, composeDigestMail, type DigestBuildDeps } from '../../src/app/digest';
import type { WeekReads } from '../../src/app/ports/week-reads';
import type { Schedule } from '../../src/config/schedule';
import {
  buildDigestModel,
  COMPACT_LIST_LIMIT,
  FULL_BODY_MAX_PROJECTS,
  FULL_HTML_NAME,
  renderDigestHtml,
  renderDigestText,
  renderFullDigestHtml,
  type DigestInput,
} from '../../src/domain/digest';
import { NOW, scenarioInput, WEEK } from '../fixtures/digest/scenario';
import { itemsStore, largeInput, largeSchedule, LARGE_PROJECTS } from '../helpers/digest-large';
import { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { exampleSchedule } from '../helpers/sheets';

/** WeekReads answering what buildDigest reads, from a digest input. */
function readsOf(input: DigestInput): WeekReads {
  const no = () => {
    throw new Error('not read by the digest');
  };
  return {
    submissionFacts: async () => [...input.facts],
    digestSentAt: async () => input.digestSentAt,
    unitsWithOpenItems: async () => [...(input.itemUnits ?? [])],
    remindersSent: async () =>
      input.reminders.map((r) => ({ ...r, sentAt: NOW })) as Awaited<
        ReturnType<WeekReads['remindersSent']>
      >,
    digestEditions: async () => [],
    currentSheets: async (weeks) =>
      weeks.map((week) =>
        week === input.week
          ? { week, sheets: [...input.current] }
          : (input.previous.find((p) => p.week === week) ?? { week, sheets: [] }),
      ),
    currentSheetOf: no,
    rejectedVersions: no,
    unusableMessagesOf: no,
    heldMessages: async () => [...input.office.quarantined],
    unprocessedCount: async () => input.office.unprocessed,
    unsentMails: async () => [...input.office.unsentMails],
  } as WeekReads;
}

describe('the compact digest of a large programme', () => {
  let schedule: Schedule;
  let input: DigestInput;
  beforeAll(async () => {
    schedule = largeSchedule(await exampleSchedule());
    input = largeInput(schedule);
  });

  it('keeps the mail body under 150 KB at 500 projects, bounded lists and all', async () => {
    const deps: DigestBuildDeps = {
      reads: readsOf(input),
      workbooks: excelDigestWorkbookWriter,
      decisions: await itemsStore(schedule),
    };
    const built = await buildDigest(deps, schedule, WEEK, NOW);
    expect(built.model.compact).toBe(true);
    expect(built.model.projects).toHaveLength(LARGE_PROJECTS);
    expect(Buffer.byteLength(built.html)).toBeLessThanOrEqual(150 * 1024);
    expect(Buffer.byteLength(built.text)).toBeLessThanOrEqual(150 * 1024);
    // The full body would be far larger: this is the point of the compact one.
    expect(Buffer.byteLength(built.fullHtml ?? '')).toBeGreaterThan(1024 * 1024);
    // Every list is bounded, the rest pointed to the attachments.
    expect(built.html).toContain(`另有`);
    expect(built.html).toContain('详见附件');
    const rows = built.text.split('\n').filter((l) => l.startsWith('- '));
    expect(rows.length).toBeLessThanOrEqual(8 * COMPACT_LIST_LIMIT);
    // Still one column for a phone: no fixed widths beyond 100%.
    expect(built.html).not.toMatch(/width:\s*[4-9]\d\dpx(?!;?\s*border)/);
  });

  it('leads with the units that did not submit and the red agreed items', async () => {
    const decisions = await itemsStore(schedule);
    const built = await buildDigest(
      { reads: readsOf(input), workbooks: excelDigestWorkbookWriter, decisions },
      schedule,
      WEEK,
      NOW,
    );
    const text = built.text;
    const missing = text.indexOf('未报送3个');
    const red = text.indexOf('红色事项：完成征地补偿方案报批');
    const targets = text.indexOf('攻坚目标（逾期及7日内到期）\n');
    const problems = text.indexOf('存在问题（新增及长期未变化）');
    expect(missing).toBeGreaterThan(0);
    expect(red).toBeGreaterThan(missing);
    expect(targets).toBeGreaterThan(red);
    expect(problems).toBeGreaterThan(targets);
    expect(text).toContain('第8片区指挥部');
    // The summary counts the items.
    expect(text).toContain('共6项：红色1、黄色1、蓝色1，待确认1，本周办结1。');
    // No per-project detail in the body.
    expect(text).not.toContain('协调推进情况：');
  });

  it('attaches the full HTML (every project) next to the workbook', async () => {
    const built = await buildDigest(
      { reads: readsOf(input), workbooks: excelDigestWorkbookWriter },
      schedule,
      WEEK,
      NOW,
    );
    const mail = composeDigestMail(schedule, 'duban@example.cn', WEEK, built);
    expect(mail.attachments.map((a) => a.filename)).toEqual([built.attachmentName, FULL_HTML_NAME]);
    const full = Buffer.from(mail.attachments[1]?.content ?? []).toString('utf8');
    expect(full).toBe(renderFullDigestHtml(built.model));
    for (const p of schedule.projects.slice(-3)) expect(full).toContain(p.name);
    expect(mail.html).toContain(FULL_HTML_NAME);
  });

  it('links the console when its address is known', () => {
    const m = buildDigestModel({ ...input, consoleUrl: 'https://duban.example.cn' });
    expect(renderDigestHtml(m)).toContain('href="https://duban.example.cn"');
    expect(renderDigestText(buildDigestModel(input))).not.toContain('在线查看');
  });
});

describe('the digest of a district programme', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });

  it('keeps the full body, and attaches only the workbook', async () => {
    expect(schedule.projects.length).toBeLessThanOrEqual(FULL_BODY_MAX_PROJECTS);
    const input = scenarioInput(schedule);
    const built = await buildDigest(
      {
        reads: readsOf(input),
        workbooks: excelDigestWorkbookWriter,
        decisions: new MemoryDecisionStore(schedule),
      },
      schedule,
      WEEK,
      NOW,
    );
    expect(built.model.compact).toBe(false);
    expect(built.model.items).toBeNull();
    expect(built.html).toBe(renderFullDigestHtml(buildDigestModel(input)));
    expect(built.fullHtml).toBeNull();
    const mail = composeDigestMail(schedule, 'duban@example.cn', WEEK, built);
    expect(mail.attachments.map((a) => a.filename)).toEqual([built.attachmentName]);
  });

  it('lists the agreed items by colour, with the summary counts, and a sheet 议定事项', async () => {
    const input = scenarioInput(schedule);
    const unit = schedule.units[0]?.id ?? '';
    const decisions = await itemsStore(schedule, unit);
    const built = await buildDigest(
      { reads: readsOf(input), workbooks: excelDigestWorkbookWriter, decisions },
      schedule,
      WEEK,
      NOW,
    );
    const items = built.model.items;
    expect(items && Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v]))).toEqual(
      expect.objectContaining({ total: 6, onTrack: 1 }),
    );
    expect(items?.red.map((i) => i.id)).toEqual(['20210301-1']);
    expect(items?.yellow.map((i) => i.id)).toEqual(['20210301-2']);
    expect(items?.blue.map((i) => i.id)).toEqual(['20210315-1']);
    expect(items?.awaiting.map((i) => i.id)).toEqual(['20210301-4']);
    expect(items?.closedThisWeek.map((i) => i.id)).toEqual(['20210301-5']);
    const red = items?.red[0];
    expect(red).toMatchObject({
      project: schedule.projects.find((p) => p.id === 'p1')?.name,
      units: schedule.units[0]?.name,
      dueLabel: '2021年3月19日',
      latest: '尚未报告',
      why: '办结时限2021年3月19日已过，尚未办结',
    });
    expect(items?.yellow[0]?.latest).toBe('3月22日当周：未启动；未启动，已与相关部门对接');
    expect(items?.closedThisWeek[0]?.why).toBe('3月22日确认办结');

    const text = built.text;
    expect(text).toContain('- 议定事项：共6项：红色1、黄色1、蓝色1，待确认1，本周办结1。');
    expect(text).toContain('\n二、议定事项督办\n红色（逾期未办结）1项：\n- 【20210301-1】红色事项');
    expect(text).toContain('\n六、办公室事项\n');
    expect(built.html).toContain('二、议定事项督办');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(built.xlsx as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(ITEMS_SHEET);
    expect(ws).toBeDefined();
    const header = (ws?.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual([
      '编号',
      '督办状态',
      '项目',
      '议定事项',
      '责任单位',
      '办结时限',
      '最新进展',
      '说明',
    ]);
    const ids: unknown[] = [];
    ws?.eachRow((row, n) => {
      if (n > 3) ids.push(row.getCell(1).value);
    });
    expect(ids).toEqual(['20210301-1', '20210301-2', '20210315-1', '20210301-4', '20210301-5']);
  });
});

/**
 * The template's 完成情况 drop-down and its pre-filling with last week's answers: the unit edits
 * what it sent last week, and what it sends back reads as the same content.
 */
import ExcelJS from 'exceljs';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { writeTemplate, type PreviousAnswers } from '../../src/adapters/excel/template';
import { exampleSchedule } from '../helpers/sheets';

async function load(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no sheet');
  return ws;
}

const LAST_WEEK: PreviousAnswers = {
  week: '2021-03-08',
  projects: [
    {
      projectId: 'p3',
      problems: {
        approval: '初步设计待批复。\n概算调整需报区发改局审核。',
        funding: null,
        land: '站前广场东侧2户未签约。',
        construction: null,
        community: '施工震动引发周边群众阻工。',
      },
      uncategorizedProblems: null,
      responsibleDepartments: ['区发改局', '区自然资源局', '峰尾镇政府'],
      progress: '已召开协调会2次。',
      nextSteps: '建议峰尾镇牵头做好群众工作。',
      targets: [
        { text: '完成项目设计、预算、招投标', status: 'in_progress' },
        { text: '完成征地拆迁扫尾工作', status: 'done' },
        { text: '解决好因施工震动引起的群众阻工问题', status: 'not_started' },
        { text: '加速施工，完成场地平整', status: null },
      ],
    },
  ],
};

describe('the template with the 完成情况 column and last week’s answers', () => {
  test('adds 完成情况 after 完成时限 as a drop-down of 已完成 / 推进中 / 未启动', async () => {
    const schedule = await exampleSchedule();
    const ws = await load(
      await writeTemplate({
        schedule,
        unitId: 'jiaotong',
        week: '2021-03-15',
        statusColumn: true,
      }),
    );
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((c) => ws.getCell(5, c).value)).toEqual([
      '序',
      '项目名称',
      '项目总牵头单位',
      '攻坚目标',
      '完成时限',
      '完成情况',
      '存在问题（需协调事项）',
      '问题责任部门',
      '协调推进情况',
      '下阶段工作对策建议',
    ]);
    for (const ref of ['F6', 'F7', 'F8', 'F9']) {
      expect(ws.getCell(ref).dataValidation).toMatchObject({
        type: 'list',
        allowBlank: true,
        formulae: ['"已完成,推进中,未启动"'],
      });
    }
    // The status cell is per target; the per-project columns are still merged.
    expect(ws.getCell('F9').isMerged).toBe(false);
    expect(ws.getCell('G9').isMerged).toBe(true);
    expect(String(ws.getCell('G6').value)).toBe(
      '项目审批方面：\n资金概算方面：\n规划用地方面：\n工程施工方面：\n群众工作方面：',
    );
    expect(ws.pageSetup.printArea).toBe('A1:J10');
  });

  test('without last week’s answers an unfilled sheet is still refused as NOT_FILLED', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({
      schedule,
      unitId: 'jiaoyu',
      week: '2021-03-15',
      statusColumn: true,
      previous: null,
    });
    const r = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(r.issues.map((i) => i.code)).toEqual(['NOT_FILLED']);
  });

  test('is pre-filled with last week’s answers, each problem after its prompt', async () => {
    const schedule = await exampleSchedule();
    const ws = await load(
      await writeTemplate({
        schedule,
        unitId: 'xincheng',
        week: '2021-03-15',
        statusColumn: true,
        previous: LAST_WEEK,
      }),
    );
    expect(String(ws.getCell('G6').value)).toBe(
      '项目审批方面：初步设计待批复。\n概算调整需报区发改局审核。\n资金概算方面：\n规划用地方面：站前广场东侧2户未签约。\n工程施工方面：\n群众工作方面：施工震动引发周边群众阻工。',
    );
    expect(ws.getCell('H6').value).toBe('区发改局、区自然资源局、峰尾镇政府');
    expect(ws.getCell('I6').value).toBe('已召开协调会2次。');
    expect(ws.getCell('J6').value).toBe('建议峰尾镇牵头做好群众工作。');
    expect(['F6', 'F7', 'F8', 'F9'].map((r) => ws.getCell(r).value)).toEqual([
      '推进中',
      '已完成',
      '未启动',
      '',
    ]);
    expect(String(ws.getCell('A10').value)).toContain('已预填2021年3月8日当周报送的内容');
    // The week is the new one; last week's only appears in the note.
    expect(ws.getCell('A4').value).toBe('填报时间：2021年3月15日');
  });

  test('round trip: template with last week’s answers → parsed → the same content', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({
      schedule,
      unitId: 'jiaotong',
      week: '2021-03-15',
      statusColumn: true,
      previous: LAST_WEEK,
    });
    const r = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    const [project] = r.projects;
    const previous = LAST_WEEK.projects[0];
    expect(project).toMatchObject({
      projectId: 'p3',
      problems: previous?.problems,
      uncategorizedProblems: null,
      responsibleDepartments: previous?.responsibleDepartments,
      progress: previous?.progress,
      nextSteps: previous?.nextSteps,
    });
    expect(project?.targets.map((t) => ({ text: t.text, status: t.status }))).toEqual(
      previous?.targets,
    );
    // Due dates come from the schedule, as in the blank template.
    expect(project?.targets.map((t) => t.due)).toEqual(
      schedule.projects.find((p) => p.id === 'p3')?.targets.map((t) => t.due),
    );
  });

  test('round trip keeps problem text written outside the prompts, before them', async () => {
    const schedule = await exampleSchedule();
    const previous: PreviousAnswers = {
      week: '2021-03-08',
      projects: [
        {
          projectId: 'p1',
          problems: {
            approval: null,
            funding: '资金缺口约200万元。',
            land: null,
            construction: null,
            community: null,
          },
          uncategorizedProblems: '招标文件需重新编制。',
          responsibleDepartments: ['区财政局'],
          progress: null,
          nextSteps: '建议尽快安排资金。',
          targets: [],
        },
      ],
    };
    const bytes = await writeTemplate({
      schedule,
      unitId: 'jiaoyu',
      week: '2021-03-15',
      previous,
    });
    const r = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(r.issues.map((i) => i.code)).toEqual(['PROBLEMS_UNCATEGORIZED']);
    expect(r.projects[0]).toMatchObject({
      problems: previous.projects[0]?.problems,
      uncategorizedProblems: '招标文件需重新编制。',
      responsibleDepartments: ['区财政局'],
      progress: null,
      nextSteps: '建议尽快安排资金。',
    });
    // Nine columns (no status column asked for): the targets read without a status.
    expect(r.projects[0]?.targets.every((t) => t.status === null)).toBe(true);
  });
});

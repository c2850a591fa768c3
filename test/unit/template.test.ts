/**
 * `duban template` writes the official layout; a sheet filled in programmatically reads back to
 * the same content (the round trip), and the layout holds what a printed sheet needs.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { writeTemplate } from '../../src/adapters/excel/template';
import { exampleSchedule } from '../helpers/sheets';

async function load(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no sheet');
  return ws;
}

describe('the template', () => {
  test('has the official layout, pre-filled with the unit’s projects and targets', async () => {
    const schedule = await exampleSchedule();
    const ws = await load(
      await writeTemplate({ schedule, unitId: 'jiaotong', week: '2021-03-15' }),
    );
    expect(ws.getCell('A1').value).toBe('附件');
    expect(String(ws.getCell('A2').value)).toContain('问题清单');
    expect(ws.getCell('A3').value).toBe('填报单位：区交通运输局');
    expect(ws.getCell('A4').value).toBe('填报时间：2021年3月15日');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => ws.getCell(5, c).value)).toEqual([
      '序',
      '项目名称',
      '项目总牵头单位',
      '攻坚目标',
      '完成时限',
      '存在问题（需协调事项）',
      '问题责任部门',
      '协调推进情况',
      '下阶段工作对策建议',
    ]);
    // p3 has four targets and two lead units; its per-project columns are merged over them.
    expect(ws.getCell('B6').value).toBe('泉港高铁站前广场及配套工程');
    expect(String(ws.getCell('C6').value).split('\n')).toEqual(['交通运输局', '新城投资公司']);
    expect(ws.getCell('D9').value).toBe('加速施工，完成场地平整');
    expect(ws.getCell('E9').value).toBe('3月31日');
    for (const col of ['A', 'B', 'C', 'F', 'G', 'H', 'I'])
      expect(ws.getCell(`${col}9`).isMerged).toBe(true);
    expect(ws.getCell('D9').isMerged).toBe(false);
    expect(String(ws.getCell('F6').value)).toBe(
      '项目审批方面：\n资金概算方面：\n规划用地方面：\n工程施工方面：\n群众工作方面：',
    );
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape' });
    expect(ws.getCell('F6').border?.left?.style).toBe('thin');
    expect(ws.getCell('F6').alignment?.wrapText).toBe(true);
  });

  test('an unfilled template is refused as NOT_FILLED, naming what is missing', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({ schedule, unitId: 'jiaoyu', week: '2021-03-15' });
    const r = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(['NOT_FILLED']);
  });

  test('round trip: template → filled in → parsed gives back the same content', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({ schedule, unitId: 'nongshui', week: '2021-03-15' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    ws.getCell('F6').value =
      '项目审批方面：无\n资金概算方面：截污工程增加管线迁改费用约150万元。\n规划用地方面：临时用地手续待办理。\n工程施工方面：\n群众工作方面：个别村民提出补偿诉求。';
    ws.getCell('G6').value = '区财政局、区自然资源局、南埔镇政府';
    ws.getCell('H6').value = '征迁扫尾已完成约90%。';
    ws.getCell('I6').value = '建议区财政局尽快审核迁改费用。';
    const filled = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);

    const r = await readIssueSheet(filled, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(r.issues).toEqual([]);
    expect(r.unit).toBe('区农水局');
    expect(r.filledOn).toBe('2021-03-15');
    const p4 = schedule.projects.find((p) => p.id === 'p4');
    expect(r.projects).toEqual([
      {
        name: p4?.name,
        projectId: 'p4',
        cell: 'B6',
        leadUnits: ['农水局'],
        targets: (p4?.targets ?? []).map((t, i) => ({
          text: t.text,
          due: t.due,
          dueText: `${Number(t.due.slice(5, 7))}月${Number(t.due.slice(8))}日`,
          cell: `E${6 + i}`,
          status: null,
        })),
        problems: {
          approval: null,
          funding: '截污工程增加管线迁改费用约150万元。',
          land: '临时用地手续待办理。',
          construction: null,
          community: '个别村民提出补偿诉求。',
        },
        uncategorizedProblems: null,
        responsibleDepartments: ['区财政局', '区自然资源局', '南埔镇政府'],
        progress: '征迁扫尾已完成约90%。',
        nextSteps: '建议区财政局尽快审核迁改费用。',
      },
    ]);
  });

  test('the same sheet with namespace-prefixed XML (as WPS and Tencent Docs write it) reads the same', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({ schedule, unitId: 'jiaoyu', week: '2021-03-15' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    (wb.worksheets[0] as ExcelJS.Worksheet).getCell('H6').value = '已完成清算初审。';
    const plain = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const zip = await JSZip.loadAsync(plain);
    for (const name of [
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
      'xl/sharedStrings.xml',
      'xl/styles.xml',
    ]) {
      const xml = await zip.file(name)?.async('string');
      if (!xml) continue;
      const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
      zip.file(
        name,
        xml
          .replace(`xmlns="${ns}"`, `xmlns:x="${ns}"`)
          .replace(/<(\/?)(?![?!])([A-Za-z]+)(?=[\s>/])/g, '<$1x:$2'),
      );
    }
    const prefixed = await zip.generateAsync({ type: 'nodebuffer' });
    expect((await zip.file('xl/worksheets/sheet1.xml')?.async('string'))?.includes('<x:c ')).toBe(
      true,
    );
    const opts = { catalog: catalogOf(schedule), referenceDate: '2021-03-15' };
    const a = await readIssueSheet(plain, opts);
    const b = await readIssueSheet(prefixed, opts);
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
  });
});

describe('due dates in the template', () => {
  it('writes the year when a reader would otherwise take another one', async () => {
    const { dueText } = await import('../../src/adapters/excel/template');
    const { readDueText } = await import('../../src/domain/sheet/dates');
    expect(dueText('2021-03-25', '2021-03-15')).toBe('3月25日');
    // On a sheet of late August, "2月25日" would be read as next February.
    expect(dueText('2021-02-25', '2021-08-30')).toBe('2021年2月25日');
    for (const [due, week] of [
      ['2021-02-25', '2021-08-30'],
      ['2022-01-10', '2021-12-27'],
      ['2021-12-31', '2021-03-15'],
    ] as const) {
      expect(readDueText(dueText(due, week), week)).toMatchObject({ iso: due });
    }
  });
});

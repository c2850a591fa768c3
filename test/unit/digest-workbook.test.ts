/**
 * The consolidated workbook attached to the digest: the official layout of the template with
 * every project (A4 landscape, print titles, borders, merges), a second sheet by responsible
 * department, and read back the same by exceljs, by duban's own sheet reader and by LibreOffice.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import {
  DEPARTMENT_SHEET,
  SUMMARY_SHEET,
  writeDigestWorkbook,
} from '../../src/adapters/excel/digest-workbook';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import type { Schedule } from '../../src/config/schedule';
import { buildDigestModel, type DigestModel } from '../../src/domain/digest';
import { NOW, scenarioInput } from '../fixtures/digest/scenario';
import { exampleSchedule } from '../helpers/sheets';

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
}

function texts(ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  ws.eachRow((row) => row.eachCell((c) => void out.push(cellText(c.value))));
  return out;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

/** A CSV as LibreOffice writes it (quoted cells with "" and line breaks inside). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n' || c === '\r') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.filter((x) => x !== '');
}

function sofficeAvailable(): boolean {
  return spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;
}

describe('the consolidated workbook', () => {
  let schedule: Schedule;
  let model: DigestModel;
  let bytes: Buffer;
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    model = buildDigestModel(scenarioInput(schedule));
    bytes = await writeDigestWorkbook(model, NOW);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  });

  it('has the units’ sheet layout for all projects, ready to print on A4 landscape', () => {
    const ws = wb.getWorksheet(SUMMARY_SHEET);
    if (!ws) throw new Error('no summary sheet');
    expect(ws.getCell('A1').value).toBe('附件');
    expect(ws.getCell('A3').value).toBe('填报单位：各项目总牵头单位（联合会议办公室汇总）');
    expect(ws.getCell('A4').value).toBe('填报时间：2021年3月22日');
    // The notice's nine columns, with 完成情况 after 完成时限 as in the units' sheets.
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
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToWidth: 1,
      printTitlesRow: '5:5',
    });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });
    // 项目1 has three target rows (6-8); its per-project columns are merged over them.
    expect(ws.getCell('B6').value).toBe('锦川实验小学项目');
    for (const col of ['A', 'B', 'C', 'G', 'H', 'I', 'J'])
      expect(ws.getCell(`${col}8`).isMerged).toBe(true);
    expect(ws.getCell('D8').isMerged).toBe(false);
    expect(['F6', 'F7', 'F8'].map((c) => ws.getCell(c).value)).toEqual([
      '已完成',
      '推进中',
      '未启动',
    ]);
    expect(ws.getCell('G6').border?.left?.style).toBe('thin');
    expect(ws.getCell('G6').alignment?.wrapText).toBe(true);
    expect(String(ws.getCell('G6').value).split('\n')).toEqual([
      '项目审批方面：重新招投标方案尚待区发改局审核批复',
      '资金概算方面：工程量清算结果与原概算相差约200万元，区财政局已初步同意调整，资金来源待区政府常务会议研究。',
      '规划用地方面：新增食堂用地规划调整需区自然资源局审批。',
      '工程施工方面：',
      '群众工作方面：',
    ]);
    // Merged rows do not grow to fit in Excel or WPS: the rows are tall enough for the text.
    const height = [6, 7, 8].reduce((sum, r) => sum + (ws.getRow(r).height ?? 0), 0);
    expect(height).toBeGreaterThanOrEqual(7 * 15);
  });

  it('holds every project, target and problem, and says which project was not reported', () => {
    const all = texts(wb.getWorksheet(SUMMARY_SHEET) as ExcelJS.Worksheet).join('\n');
    for (const p of schedule.projects) {
      expect(all).toContain(p.name);
      for (const t of p.targets) expect(all).toContain(t.text);
    }
    for (const q of model.projects.flatMap((p) => p.problems)) expect(all).toContain(q.text);
    expect(all).toContain('（本周未报送问题清单）');
  });

  it('groups the problems by responsible department on a second sheet, with their marks', () => {
    const ws = wb.getWorksheet(DEPARTMENT_SHEET);
    if (!ws) throw new Error('no department sheet');
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => ws.getCell(3, c).value)).toEqual([
      '序',
      '问题责任部门',
      '项目名称',
      '问题类别',
      '存在问题',
      '变化情况',
      '项目总牵头单位',
    ]);
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', printTitlesRow: '3:3' });
    expect(ws.getCell('B4').value).toBe('区自然资源局');
    expect(ws.getCell('B12').isMerged).toBe(true);
    expect([ws.getCell('D4').value, ws.getCell('F4').value]).toEqual([
      '项目审批',
      '未变化，连续2周',
    ]);
    const rows = ws.actualRowCount - 3;
    expect(rows).toBe(model.departments.reduce((n, d) => n + d.items.length, 0));
  });

  it('reads back through duban’s own sheet reader as the same projects', async () => {
    const read = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: model.week,
    });
    expect(read.ok).toBe(true);
    expect(read.projects.map((p) => p.projectId)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(read.projects[0]?.problems.land).toBe('新增食堂用地规划调整需区自然资源局审批。');
    expect(read.projects[0]?.targets.map((t) => t.status)).toEqual([
      'done',
      'in_progress',
      'not_started',
    ]);
    expect(read.projects[2]?.targets.map((t) => t.due)).toEqual([
      '2021-03-25',
      '2021-03-18',
      '2021-03-18',
      '2021-03-31',
    ]);
  });

  const soffice = sofficeAvailable();
  if (!soffice) {
    console.warn(
      'digest-workbook.test.ts: LibreOffice (soffice) is not installed: the LibreOffice read-back ' +
        'test is skipped. Install it (apt-get install libreoffice-calc) to run it.',
    );
  }
  (soffice ? it : it.skip)(
    'reads back in LibreOffice with the same cells as exceljs reads (soffice headless, every sheet to CSV)',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-digest-lo-'));
      try {
        const file = path.join(dir, 'digest.xlsx');
        fs.writeFileSync(file, bytes);
        const result = spawnSync(
          'soffice',
          [
            `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
            '--headless',
            '--convert-to',
            'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
            '--outdir',
            dir,
            file,
          ],
          { encoding: 'utf8', timeout: 120_000 },
        );
        expect(result.status).toBe(0);
        for (const ws of wb.worksheets) {
          const csv = fs.readFileSync(path.join(dir, `digest-${ws.name}.csv`), 'utf8');
          const cells = new Set(csvCells(csv).map(squash));
          const expected = texts(ws)
            .map(squash)
            .filter((t) => t !== '');
          expect(expected.filter((t) => !cells.has(t))).toEqual([]);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

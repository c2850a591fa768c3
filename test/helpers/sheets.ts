import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { writeTemplate } from '../../src/adapters/excel/template';
import { loadScheduleFile } from '../../src/config/load-schedule';
import type { Schedule } from '../../src/config/schedule';
import { EXAMPLE_SCHEDULE } from '../../src/cli/context';

export const SHEETS_DIR = path.join(__dirname, '..', 'fixtures', 'sheets');
export const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'corpus');

let example: Schedule | null = null;

/** The bundled example schedule (the notice's first batch), loaded once per test file. */
export async function exampleSchedule(): Promise<Schedule> {
  if (example) return example;
  const result = await loadScheduleFile(EXAMPLE_SCHEDULE);
  if (!result.ok) throw new Error(`example schedule invalid: ${JSON.stringify(result.errors)}`);
  example = result.schedule;
  return example;
}

/**
 * A unit's template for a week, filled in its first project's first row as a unit does (the five
 * problem prompts, a department, progress, next steps), optionally with a due date typed in E6.
 */
export async function filledTemplate(
  schedule: Schedule,
  unitId: string,
  opts: { week?: string; progress: string; due?: string },
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({
      schedule,
      unitId,
      week: opts.week ?? '2021-03-15',
    })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  ws.getCell('F6').value =
    '项目审批方面：无\n资金概算方面：资金缺口约200万元。\n规划用地方面：无\n工程施工方面：无\n群众工作方面：无';
  ws.getCell('G6').value = '区财政局';
  ws.getCell('H6').value = opts.progress;
  ws.getCell('I6').value = '建议区财政局尽快安排资金。';
  if (opts.due) ws.getCell('E6').value = opts.due;
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/**
 * The demo behind the README's first command: the weekly sheet cycle on embedded defaults.
 * For one reporting week of the example programme it writes every lead unit's pre-filled sheet,
 * fills some in the way units do (one cleanly, one with the usual slips, one sending a file that
 * is not a workbook), reads them back through the sandboxed parser, and says where everything is.
 * It runs offline, needs no server, and can be run again (it overwrites its own output).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Schedule } from '../../config/schedule';
import { catalogOf } from '../../adapters/excel/read-sheet';
import { readIssueSheetSandboxed } from '../../adapters/excel/sandbox';
import { projectsLedBy, writeTemplate } from '../../adapters/excel/template';
import type { ParsedSheet } from '../../domain/sheet/parse';
import { filledSheet } from './mails';

export interface DemoResult {
  outDir: string;
  rows: Array<{
    unit: string;
    file: string;
    outcome: string;
    projects: number;
    targets: number;
    issues: string[];
  }>;
}

/** What a careful unit writes (formal, the five prompts kept). */
const CAREFUL = {
  problems:
    '项目审批方面：重新招标方案需报区发改局核准。\n资金概算方面：工程量清算审定金额较原概算增加，需调整概算。\n规划用地方面：无\n工程施工方面：原施工单位已退场，现场设施需办理移交。\n群众工作方面：暂无',
  departments: '区发改局、区财政局、区住建局',
  progress: '已完成工程量清算初审，重新招标文件已编制完成。',
  nextSteps: '建议区财政局加快招标控制价评审；建议区住建局指导复工前安全检测。',
};

/** What a hurried unit writes: no prompts, a due date as 月底, departments with mixed separators. */
const HURRIED = {
  problems: '征迁扫尾仍有两户未签约，需镇政府协调；截污管线需穿越道路。',
  departments: '区财政局，区自然资源局/南埔镇政府 区财政局',
  progress: '用地征迁扫尾工作已完成约90%。',
  nextSteps: '建议南埔镇政府协助做好沿线群众工作。',
};

export async function runSheetDemo(
  schedule: Schedule,
  outDir: string,
  week = '2021-03-15',
): Promise<DemoResult> {
  const dirs = {
    templates: path.join(outDir, 'templates'),
    filled: path.join(outDir, 'filled'),
    parsed: path.join(outDir, 'parsed'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const leadUnits = schedule.units.filter((u) => projectsLedBy(schedule, u.id).length > 0);
  const templates = new Map<string, Buffer>();
  for (const unit of leadUnits) {
    const bytes = await writeTemplate({ schedule, unitId: unit.id, week });
    templates.set(unit.id, bytes);
    fs.writeFileSync(path.join(dirs.templates, `问题清单-${unit.id}-${week}.xlsx`), bytes);
  }
  const sent: Array<{ unit: string; file: string; bytes: Buffer }> = [];
  const first = leadUnits[0];
  const last = leadUnits[leadUnits.length - 1];
  const second = leadUnits[1];
  if (first)
    sent.push({
      unit: first.id,
      file: `${first.id}-filled.xlsx`,
      bytes: await filledSheet(schedule, first.id, week, CAREFUL),
    });
  if (last && last !== first) {
    sent.push({
      unit: last.id,
      file: `${last.id}-filled.xlsx`,
      bytes: await filledSheet(schedule, last.id, week, HURRIED, (ws) => {
        ws.getCell('E7').value = '月底';
      }),
    });
  }
  if (second && second !== last) {
    sent.push({
      unit: second.id,
      file: `${second.id}-scan.xlsx`,
      bytes: Buffer.from('%PDF-1.4 a scanned page saved with the wrong extension\n'),
    });
    sent.push({
      unit: second.id,
      file: `${second.id}-unfilled.xlsx`,
      bytes: templates.get(second.id) as Buffer,
    });
  }

  const rows: DemoResult['rows'] = [];
  for (const s of sent) {
    const file = path.join(dirs.filled, s.file);
    fs.writeFileSync(file, s.bytes);
    const result: ParsedSheet = await readIssueSheetSandboxed(s.bytes, {
      catalog: catalogOf(schedule),
      referenceDate: week,
    });
    fs.writeFileSync(
      path.join(dirs.parsed, `${s.file}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    rows.push({
      unit: s.unit,
      file: path.relative(process.cwd(), file),
      outcome: result.ok ? (result.issues.length ? 'read, with warnings' : 'read') : 'refused',
      projects: result.projects.length,
      targets: result.projects.reduce((n, p) => n + p.targets.length, 0),
      issues: result.issues.map((i) => `${i.code}${i.cell ? `@${i.cell}` : ''}`),
    });
  }
  return { outDir, rows };
}

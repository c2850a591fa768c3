/**
 * Writing the weekly issue sheet a lead unit fills in: the official layout of the notice's
 * attachment (附件 / title / 填报单位 / 填报时间, the nine-column header, one row per target, the
 * per-project columns merged vertically, the 存在问题 cell pre-printed with the five prompts),
 * pre-filled with the unit's projects, targets and due dates from the schedule, ready to print
 * on A4 landscape.
 *
 * Two optional extras (both off by default, so the notice's nine-column layout stays the
 * default every existing caller and test relies on):
 * - `statusColumn`: a 完成情况 column right after 完成时限, offering 已完成 / 推进中 / 未启动 as a
 *   drop-down list (a data validation; the parser reads it as targets[].status);
 * - `previous`: last week's answers (problems in their five categories after the prompts,
 *   departments, progress, next steps, target statuses), so the unit edits instead of retyping.
 *   They are written so that reading the sheet back gives the same content (the round trip).
 *
 * And `items` (the unit's open agreed items): a second sheet 议定事项落实情况 (item-sheet.ts),
 * pre-filled with the unit's last answers; for a unit leading no project, that sheet alone.
 */
import ExcelJS from 'exceljs';
import {
  EMPTY_PROBLEMS_CELL,
  FILLING_NOTE,
  PROBLEM_CATEGORIES,
  SHEET_TITLE,
} from '../../domain/sheet/layout';
import type { TargetStatus } from '../../domain/sheet/parse';
import { compact } from '../../domain/sheet/text';
import { projectsOfUnit, unitLabel } from '../../domain/programme';
import { dueDateZh, formatDateZh, weekLabelZh } from '../../domain/zh/dates';
import type {
  PreviousAnswers,
  PreviousProject,
  PreviousTarget,
} from '../../domain/sheet/previous-answers';
import type { TemplateRequest, TemplateWriter } from '../../app/ports/template-writer';
import { addItemSheet, ITEM_SHEET_TITLE } from './item-sheet';

/** A target's 完成情况 as last reported, matched to the schedule's target by its text. */

import {
  addIssueSheet,
  HEADER_ROW,
  sheetLayout,
  STATUS_LABELS,
  writeNoteRow,
  writeProjectRows,
} from './sheet-layout';

export type { PreviousAnswers, PreviousProject, PreviousTarget, TemplateRequest };

/** Points of height per project (about twelve lines of 11-point text). */
const PROJECT_HEIGHT = 200;

/** The 存在问题 cell with last week's text after each prompt (uncategorized text first). */
export function problemsCellText(previous: PreviousProject | undefined): string {
  if (!previous) return EMPTY_PROBLEMS_CELL;
  const lines = PROBLEM_CATEGORIES.map((c) => `${c.prompt}${previous.problems[c.key] ?? ''}`);
  const preamble = previous.uncategorizedProblems?.trim();
  return [...(preamble ? [preamble] : []), ...lines].join('\n');
}

/** Last week's status of a schedule target, matched by its text (spaces and widths ignored). */
function previousStatus(previous: PreviousProject | undefined, text: string): TargetStatus | null {
  const key = compact(text);
  return previous?.targets.find((t) => compact(t.text) === key)?.status ?? null;
}

/** The projects a unit leads (programme.ts). */
export const projectsLedBy = projectsOfUnit;

/** How the lead-unit column names a unit: the short form the notice uses (programme.ts). */
export const leadUnitLabel = unitLabel;

/** A due date as the notice writes it, the year only when needed (zh/dates.ts, dueDateZh). */
export const dueText = dueDateZh;

export function buildTemplate(req: TemplateRequest): ExcelJS.Workbook {
  const { schedule, unitId, week } = req;
  const unit = schedule.units.find((u) => u.id === unitId);
  if (!unit) throw new Error(`unknown unit ${unitId}`);
  const projects = projectsLedBy(schedule, unitId);
  const layout = sheetLayout({ statusColumn: req.statusColumn === true });
  const previousOf = (projectId: string): PreviousProject | undefined =>
    req.previous?.projects.find((p) => p.projectId === projectId);

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'duban';
  workbook.title = SHEET_TITLE;
  const items = req.items ?? [];
  const lines = { unit: unit.name, filledOn: formatDateZh(week) };
  // A unit responsible for agreed items and leading no project: the items' sheet alone.
  if (projects.length === 0 && items.length > 0) {
    workbook.title = ITEM_SHEET_TITLE;
    addItemSheet(workbook, lines, items);
    return workbook;
  }
  const ws = addIssueSheet(workbook, '问题清单', lines, layout);

  let row = HEADER_ROW + 1;
  projects.forEach((project, index) => {
    const previous = previousOf(project.id);
    row = writeProjectRows(
      ws,
      row,
      {
        seq: index + 1,
        name: project.name,
        leadUnits: project.leadUnits.map((u) => leadUnitLabel(schedule, u)).join('\n'),
        targets: project.targets.map((t) => {
          const status = previousStatus(previous, t.text);
          return {
            text: t.text,
            due: t.due ? dueText(t.due, week) : '',
            ...(status ? { status: STATUS_LABELS[status] } : {}),
          };
        }),
        problems: problemsCellText(previous),
        departments: previous?.responsibleDepartments.join('、') ?? '',
        progress: previous?.progress ?? '',
        nextSteps: previous?.nextSteps ?? '',
        height: PROJECT_HEIGHT,
      },
      layout,
    );
  });
  // Said in the note row (the parser ends the table there), never inside the table.
  const note = req.previous
    ? `${FILLING_NOTE}\n注：表中已预填${weekLabelZh(req.previous.week)}报送的内容，请逐项核对、更新后报送。`
    : FILLING_NOTE;
  writeNoteRow(ws, row, note, layout);
  if (items.length > 0) addItemSheet(workbook, lines, items);
  return workbook;
}

export async function writeTemplate(req: TemplateRequest): Promise<Buffer> {
  const data = await buildTemplate(req).xlsx.writeBuffer();
  return Buffer.from(data as ArrayBuffer);
}

/** The template writer port (src/app/ports/template-writer.ts) over exceljs. */
export const excelTemplateWriter: TemplateWriter = { write: writeTemplate };

/** One target row of a project: the target, its due date (完成时限) and 完成情况. */
import { issue, type Issue } from '../../errors';
import { formatMonthDayZh } from '../zh/dates';
import { readDueCell, type DueReading } from './dates';
import { cellRef, type SheetView } from './grid';
import type { ColumnMap } from './headers';
import type { ProjectDraft } from './project-draft';
import type { SheetTarget, TargetStatus } from './sheet-types';
import { cleanMultiline, compact } from './text';

const STATUS_WORDS: ReadonlyArray<[RegExp, TargetStatus]> = [
  [/^(?:已完成|完成|已办结|办结|已竣工)$/u, 'done'],
  [/^(?:推进中|进行中|正在推进|在建|实施中|未完成|部分完成)$/u, 'in_progress'],
  [/^(?:未启动|未开始|尚未启动|未开工)$/u, 'not_started'],
];

function readStatus(text: string): TargetStatus | null | undefined {
  const t = compact(text).replace(/[。.]$/u, '');
  if (!t) return null;
  for (const [re, status] of STATUS_WORDS) if (re.test(t)) return status;
  return undefined;
}

export function readTargetRow(
  view: SheetView,
  row: number,
  columns: ColumnMap,
  referenceDate: string,
  date1904: boolean,
  project: ProjectDraft,
  issues: Issue[],
): void {
  const targetCol = columns.target;
  const dueCol = columns.due;
  const statusCol = columns.status;
  // A target or due cell merged over several rows is one target, read on its first row.
  for (const c of [targetCol, dueCol]) {
    if (c !== undefined && view.source(row, c).row !== row) return;
  }
  const text = targetCol !== undefined ? cleanMultiline(view.text(row, targetCol)) : '';
  const reading: DueReading =
    dueCol !== undefined
      ? readDueCell(view.value(row, dueCol), referenceDate, date1904)
      : { kind: 'empty' };
  const ref = cellRef(row, dueCol ?? targetCol ?? columns.projectName ?? 1);
  if (!text) {
    if (reading.kind !== 'empty') {
      issues.push(
        issue(
          'DUE_WITHOUT_TARGET',
          `该行填写了完成时限“${reading.text}”，但未填写攻坚目标，请补充攻坚目标或删除该时限。`,
          ref,
        ),
      );
    }
    return;
  }
  let status: TargetStatus | null = null;
  if (statusCol !== undefined) {
    const raw = view.text(row, statusCol);
    const s = readStatus(raw);
    if (s === undefined) {
      issues.push(
        issue(
          'STATUS_UNREADABLE',
          `完成情况“${raw}”无法识别，请从“已完成”“推进中”“未启动”中选择。`,
          cellRef(row, statusCol),
        ),
      );
    } else status = s;
  }
  const target: SheetTarget = { text, due: null, dueText: null, cell: ref, status };
  switch (reading.kind) {
    case 'empty':
      issues.push(
        issue('TARGET_WITHOUT_DUE', `攻坚目标“${text}”未填写完成时限，请补充，如“3月31日”。`, ref),
      );
      break;
    case 'date':
      target.due = reading.iso;
      target.dueText = reading.text;
      if (reading.ambiguous) {
        issues.push(
          issue(
            'DUE_DATE_AMBIGUOUS',
            `完成时限“${reading.text}”为数字，已按${formatMonthDayZh(reading.iso)}读取；如指${reading.ambiguous}，请填写为文字“${reading.ambiguous}”。`,
            ref,
          ),
        );
      }
      break;
    case 'invalid':
      target.dueText = reading.text;
      issues.push(
        issue(
          'DUE_DATE_INVALID',
          `完成时限“${reading.text}”不是有效日期，请核对后填写，如“3月31日”。`,
          ref,
        ),
      );
      break;
    case 'unreadable':
      target.dueText = reading.text;
      issues.push(
        issue(
          'DUE_DATE_UNREADABLE',
          `完成时限“${reading.text}”无法识别为日期，请填写如“3月31日”。`,
          ref,
        ),
      );
      break;
  }
  project.targets.push(target);
}

/** The receipt (已收到) for a sheet that was read and recorded. */
import type { Block } from '../../mail-body';
import type { Schedule } from '../../../config/schedule';
import { categoryLabel, PROBLEM_CATEGORIES } from '../../sheet/layout';
import type { ItemProgress } from '../../decisions/types';
import type { SheetProject } from '../../sheet/parse';
import { projectById } from '../../programme';
import { weekLabelZh } from '../../zh/dates';
import { numeralZh } from '../../zh/numerals';
import {
  bySeverity,
  closing,
  deadlineText,
  greeting,
  ignoredAttachments,
  inline,
  located,
  recipient,
  reply,
  replySubject,
  unitAndWeek,
  when,
} from './common';
import type { ComposedReply, ReadSheet, ReplyContext } from './types';

const MAX_DEPARTMENTS_LISTED = 8;

/** A unit's report on one of its agreed items, as recorded from the sheet. */
export interface ReportedItem {
  itemId: string;
  status: ItemProgress | null;
}

/** Sheets of the same mail recorded for an earlier week they name (a correction of it). */
export interface OtherWeek {
  week: string;
  late: boolean;
  sheets: ReadSheet[];
}

const CATEGORY_LABELS = PROBLEM_CATEGORIES.map((c) => ({
  key: c.key,
  label: categoryLabel(c.key),
}));

function problemsSummary(project: SheetProject): string {
  const filled = CATEGORY_LABELS.filter((c) => project.problems[c.key] !== null).map(
    (c) => c.label,
  );
  const empty = CATEGORY_LABELS.filter((c) => project.problems[c.key] === null).map((c) => c.label);
  const loose = project.uncategorizedProblems !== null;
  let text: string;
  if (empty.length === 0) text = '五个方面均已填写';
  else if (filled.length === 0) {
    text = loose ? '未按五个方面填写（内容已整体记录）' : '五个方面均未填写或为“无”';
  } else text = `已填写${filled.join('、')}方面；${empty.join('、')}方面未填写或为“无”`;
  if (loose && filled.length > 0) text += '；另有未按五个方面填写的内容，已整体记录';
  return text;
}

function departmentsSummary(project: SheetProject): string {
  const names = project.responsibleDepartments.map((d) => inline(d, 30));
  if (names.length === 0) return '未填写';
  const shown = names.slice(0, MAX_DEPARTMENTS_LISTED).join('、');
  const more = names.length > MAX_DEPARTMENTS_LISTED ? '等' : '';
  return `${names.length}个（${shown}${more}）`;
}

function projectTitle(
  project: SheetProject,
  ordinal: number,
  schedule: Schedule,
  filename: string | null,
): string {
  const written = inline(project.name);
  const official = project.projectId ? projectById(schedule, project.projectId)?.name : undefined;
  let note = '';
  if (project.projectId === null) note = '（未能与本批重点项目对应）';
  else if (official && official !== project.name) note = `（即“${official}”）`;
  const file = filename === null ? '' : `（附件“${inline(filename)}”）`;
  return `${numeralZh(ordinal)}、${written}${note}${file}`;
}

function projectBlock(
  project: SheetProject,
  ordinal: number,
  schedule: Schedule,
  filename: string | null,
): Block {
  return {
    type: 'fields',
    title: projectTitle(project, ordinal, schedule, filename),
    fields: [
      ['攻坚目标', project.targets.length > 0 ? `${project.targets.length}项` : '未填写'],
      ['存在问题', problemsSummary(project)],
      ['问题责任部门', departmentsSummary(project)],
      ['协调推进情况', project.progress ? '已填写' : '未填写'],
      ['下阶段工作对策建议', project.nextSteps ? '已填写' : '未填写'],
    ],
  };
}

function reportedItemBlocks(items: ReadonlyArray<ReportedItem>): Block[] {
  if (items.length === 0) return [];
  const blocks: Block[] = [
    {
      type: 'list',
      title: `议定事项落实情况（共${items.length}项，已记录）：`,
      items: items.map(
        (r) =>
          `${r.itemId}：${r.status ?? '是否办结未填写'}${r.status === '已办结' ? '（待联合会议办公室确认）' : ''}`,
      ),
      ordered: false,
    },
  ];
  if (items.some((r) => r.status === '已办结')) {
    blocks.push({
      type: 'para',
      lines: [
        '报送“已办结”的事项，将由联合会议办公室核实后确认办结销号；确认前请保留相关材料，如办公室退回将另行通知。',
      ],
    });
  }
  return blocks;
}

/**
 * The receipt for a sheet (or sheets) that was read and recorded: what was read per project,
 * every warning with its cell, attachments ignored and why, and that a corrected sheet may be
 * sent again (the latest one counts).
 */
export function composeReceipt(
  ctx: ReplyContext,
  sheets: ReadSheet[],
  now: Date,
  otherWeeks: ReadonlyArray<OtherWeek> = [],
  /** The agreed items the sheet reported on (section 议定事项落实情况), as recorded. */
  reportedItems: ReadonlyArray<ReportedItem> = [],
): ComposedReply {
  const several = sheets.length > 1 || otherWeeks.length > 0;
  const blocks: Block[] = [greeting(ctx)];
  const only = sheets.length === 1 && sheets[0]?.contained ? sheets[0] : null;
  const named = only ? `（附件“${inline(only.filename)}”）` : '';
  blocks.push({
    type: 'para',
    lines: [`你单位${when(ctx)}发送的问题清单${named}已收到，读取情况如下。`],
  });

  const facts = unitAndWeek(ctx);
  const deadline = deadlineText(ctx);
  if (ctx.late !== null) {
    const suffix = deadline ? `截止时间为${deadline}` : '';
    if (ctx.late) facts.push(`报送情况：逾期${suffix ? `，${suffix}` : ''}`);
    else facts.push(`报送情况：按时${suffix ? `（${suffix}）` : ''}`);
  }
  if (facts.length > 0) blocks.push({ type: 'para', lines: facts });

  let ordinal = 0;
  const projectBlocks: Block[] = [];
  for (const sheet of sheets) {
    for (const project of sheet.parsed.projects) {
      ordinal += 1;
      projectBlocks.push(
        projectBlock(project, ordinal, ctx.schedule, several ? sheet.filename : null),
      );
    }
  }
  // A unit responsible only for agreed items sends the section alone: no project to miss.
  if (ordinal > 0 || reportedItems.length === 0) {
    blocks.push({
      type: 'para',
      lines: [ordinal > 0 ? `读取到的内容（共${ordinal}个项目）：` : '未读取到项目内容。'],
    });
  }
  blocks.push(...projectBlocks);
  blocks.push(...reportedItemBlocks(reportedItems));

  const warnings = sheets.flatMap((s) =>
    bySeverity([...s.parsed.issues, ...(s.issues ?? [])]).map((i) =>
      located(i.message, i.cell, several ? s.filename : null),
    ),
  );
  if (warnings.length > 0) {
    blocks.push({
      type: 'list',
      title: `请核对以下内容（共${warnings.length}处，本次报送已记录）：`,
      items: warnings,
      ordered: true,
    });
  }
  for (const other of otherWeeks) {
    const files = other.sheets.map((s) => `附件“${inline(s.filename)}”`).join('、');
    const projects = other.sheets.reduce((n, s) => n + s.parsed.projects.length, 0);
    blocks.push({
      type: 'para',
      lines: [
        `另：${files}的填报时间为${weekLabelZh(other.week)}，已作为该周问题清单的更正记录（${projects}个项目${other.late ? '，逾期' : ''}），以该周最后收到的一份为准。`,
      ],
    });
  }
  const explained = [...sheets, ...otherWeeks.flatMap((w) => w.sheets)].map((s) => s.filename);
  blocks.push(...ignoredAttachments(ctx, new Set(explained)));
  blocks.push({
    type: 'para',
    lines: ['如需更正，请修改后重新发送问题清单，以最后收到的一份为准。'],
  });
  blocks.push(...closing(ctx.schedule, now));
  return reply('receipt', ctx, recipient(ctx), replySubject(ctx, '已收到'), blocks);
}

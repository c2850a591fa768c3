/**
 * The 交办通知: a meeting's agreed items a unit is responsible for, sent to the unit once the list
 * is recorded (its cooperating units copied). Formal zh-CN, text and simple HTML.
 *
 * Its key is assignment:<YYYYMMDD>:<unit>:<hash>, the hash being the first 8 hex of the SHA-256
 * of `assignmentListing` (the ids, texts and time limits listed): a corrected list that changes
 * them gives a new notice, an unchanged one the same key. Hashing is left to the caller (the
 * domain imports no crypto): `composeAssignment` takes the hash.
 */
import type { Schedule } from '../../../config/schedule';
import { addWorkingDays } from '../../calendar';
import { assignmentKey } from '../../mail-key';
import { closingBlocks, renderHtml, renderText, type Block } from '../../mail-body';
import { projectById, unitById, unitName } from '../../programme';
import { formatDateZh } from '../../zh/dates';
import type { AgreedItem, Meeting } from '../types';
import { meetingLabel } from '../meeting';
import { compactDate, onceEach, unitRecipients, type ComposedItemMail } from './item-mail';

export interface AssignmentInput {
  schedule: Schedule;
  now: Date;
  unitId: string;
  meeting: Meeting;
  /** The unit's items of the meeting (it is responsible for each), in id order. */
  items: readonly AgreedItem[];
  /** The first 8 hex of the SHA-256 of assignmentListing(items). */
  hash: string;
  /** An earlier 交办 of this meeting went to the unit with other items: this one replaces it. */
  replaces: boolean;
}

/** The canonical text the key's hash is taken of: ids, texts and time limits, in id order. */
export function assignmentListing(items: readonly AgreedItem[]): string {
  return JSON.stringify(
    [...items].sort((a, b) => compareItemIds(a.id, b.id)).map((i) => [i.id, i.text.trim(), i.due]),
  );
}

/** Id order: the meeting's date, then the 序号 as a number. */
export function compareItemIds(a: string, b: string): number {
  const [ad = '', an = '0'] = a.split('-');
  const [bd = '', bn = '0'] = b.split('-');
  return ad === bd ? Number(an) - Number(bn) : ad < bd ? -1 : 1;
}

/** 所属项目 as the mails print it. */
export function projectLabel(schedule: Pick<Schedule, 'projects'>, item: AgreedItem): string {
  const project = item.projectId ? projectById(schedule, item.projectId) : null;
  return project?.name ?? item.projectAsWritten ?? '（未指定）';
}

/** The time limit was already within the blue window at the meeting (colourOf sends no blue). */
function shortFromTheStart(schedule: Schedule, item: AgreedItem): boolean {
  const blue = schedule.followUp.blueWorkingDays;
  return blue > 0 && addWorkingDays(item.meeting.date, blue, schedule) >= item.due;
}

const STATE_NOTE: Record<AgreedItem['state'], string> = {
  open: '',
  awaiting_confirmation: '（已报办结，待办公室确认）',
  closed: '（已办结销号）',
};

export function composeAssignment(input: AssignmentInput): ComposedItemMail {
  const { schedule, now, unitId, meeting, items } = input;
  const unit = unitById(schedule, unitId);
  const name = unitName(schedule, unitId);
  const label = meetingLabel(meeting);
  const names = (ids: readonly string[]) => ids.map((u) => unitName(schedule, u)).join('、');

  const subject = `【交办】${label}议定事项${input.replaces ? '（更新）' : ''}`;
  const itemBlocks: Block[] = items.map((item) => {
    const others = item.responsibleUnits.filter((u) => u !== unitId);
    return {
      type: 'fields',
      title: `编号 ${item.id}${STATE_NOTE[item.state]}`,
      fields: [
        ['所属项目', projectLabel(schedule, item)],
        ['议定事项', item.text.trim()],
        ...(others.length ? [['共同责任单位', names(others)] as [string, string]] : []),
        ['配合单位', item.cooperatingUnits.length ? names(item.cooperatingUnits) : '无'],
        ['办结时限', formatDateZh(item.due)],
        ...(shortFromTheStart(schedule, item)
          ? [
              [
                '提示',
                `办结时限在${schedule.followUp.blueWorkingDays}个工作日内，请务必按时办结（不再另发蓝色督办单）`,
              ] as [string, string],
            ]
          : []),
        ...(item.note?.trim() ? [['备注', item.note.trim()] as [string, string]] : []),
      ],
    };
  });
  const blocks: Block[] = [
    { type: 'para', lines: [`${name}：`] },
    {
      type: 'para',
      lines: [
        `根据${label}议定，现将由你单位负责落实的事项（共${items.length}项）交办如下，请抓紧落实，按时办结。`,
        ...(input.replaces
          ? ['会议议定事项清单已更正，本通知替代此前向你单位发送的交办通知。']
          : []),
      ],
    },
    ...itemBlocks,
    {
      type: 'list',
      title: '落实情况报送要求：',
      items: [
        '请在每周报送的问题清单“议定事项落实情况”部分，按编号逐项填写落实情况。',
        '“是否办结”请选择“已办结”“推进中”或“未启动”；事项办结后选择“已办结”，经办公室确认后销号。',
        '临近或超过办结时限仍未办结的事项，将发出督办单。',
      ],
    },
    ...(items.some((i) => i.cooperatingUnits.length > 0)
      ? [{ type: 'para' as const, lines: ['抄送的配合单位请积极配合责任单位落实。'] }]
      : []),
    ...closingBlocks(schedule.programme, now, true),
  ];

  const own = unit ? unitRecipients(unit) : { to: [], cc: [] };
  const cooperating = [...new Set(items.flatMap((i) => i.cooperatingUnits))]
    .filter((u) => u !== unitId)
    .flatMap((u) => {
      const other = unitById(schedule, u);
      return other ? unitRecipients(other).to : [];
    });
  const { to, cc } = onceEach(own.to, [...own.cc, ...cooperating]);
  return {
    key: assignmentKey(compactDate(meeting.date), unitId, input.hash),
    kind: 'assignment',
    unitId,
    itemIds: items.map((i) => i.id),
    colour: null,
    to,
    cc,
    subject,
    text: renderText(blocks),
    html: renderHtml(subject, blocks),
  };
}

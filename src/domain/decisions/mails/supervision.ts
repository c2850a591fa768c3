/**
 * The supervision notice (督办单): one per item, colour and responsible unit, sent once (key
 * notice:<item>:<colour>:<unit>). Blue: the time limit is near; yellow: it is behind; red: the
 * time limit has passed. To the unit's reminder recipients and its head, the item's cooperating
 * units copied; a red one is also copied to the supervision office (督查室) and the project's
 * responsible leader.
 */
import type { Schedule } from '../../../config/schedule';
import { noticeKey } from '../../mail-key';
import { closingBlocks, renderHtml, renderText, type Block } from '../../mail-body';
import { leaderOf, projectById, unitById, unitName } from '../../programme';
import { formatDateZh, weekLabelZh } from '../../zh/dates';
import { wallClock } from '../../calendar';
import type { ItemFollowUp, NoticeColour } from '../types';
import { meetingLabel } from '../meeting';
import { projectLabel } from './assignment';
import { onceEach, personRecipient, unitRecipients, type ComposedItemMail } from './item-mail';

export const COLOUR_ZH: Record<NoticeColour, string> = { blue: '蓝', yellow: '黄', red: '红' };

/** What each colour asks of the unit. */
export const COLOUR_ASK: Record<NoticeColour, string> = {
  blue: '请按时办结。',
  yellow: '请加快推进并于下周报告进展。',
  red: '请说明逾期原因并限期办结。',
};

const COLOUR_SUBJECT: Record<NoticeColour, string> = {
  blue: '临近办结时限',
  yellow: '推进滞后',
  red: '已逾期未办结',
};

export interface SupervisionInput {
  schedule: Schedule;
  now: Date;
  unitId: string;
  /** The item's follow-up at `now`, with its colour. */
  followUp: ItemFollowUp & { colour: NoticeColour };
}

/** "督办〔2021〕20210316-2-红": the year of issue, the item, the colour. */
export function noticeNumber(itemId: string, colour: NoticeColour, year: string): string {
  return `督办〔${year}〕${itemId}-${COLOUR_ZH[colour]}`;
}

function lastReportLine(f: ItemFollowUp, schedule: Schedule): string {
  const r = f.lastReport;
  if (!r) return '未报告';
  const parts = [
    ...(r.status ? [`是否办结“${r.status}”`] : []),
    `落实情况“${r.progress?.trim() || '未填写'}”`,
  ];
  return `${unitName(schedule, r.unitId)}于${weekLabelZh(r.week)}报告：${parts.join('，')}`;
}

export function composeSupervision(input: SupervisionInput): ComposedItemMail {
  const { schedule, now, unitId, followUp } = input;
  const { item, colour } = followUp;
  const tz = schedule.programme.timezone;
  const year = wallClock(now, tz).date.slice(0, 4);
  const name = unitName(schedule, unitId);
  const title = `${COLOUR_ZH[colour]}色督办单`;
  const number = noticeNumber(item.id, colour, year);
  const names = (ids: readonly string[]) => ids.map((u) => unitName(schedule, u)).join('、');

  const subject = `【${title}】议定事项${item.id}${COLOUR_SUBJECT[colour]}（${name}）`;
  const blocks: Block[] = [
    { type: 'para', lines: [`${name}：`] },
    { type: 'para', lines: [title, `编号：${number}`] },
    {
      type: 'fields',
      title: '督办事项：',
      fields: [
        ['事项编号', item.id],
        ['所属项目', projectLabel(schedule, item)],
        ['议定事项', item.text.trim()],
        ['来源', meetingLabel(item.meeting)],
        ['责任单位', names(item.responsibleUnits)],
        ...(item.cooperatingUnits.length
          ? [['配合单位', names(item.cooperatingUnits)] as [string, string]]
          : []),
        ['办结时限', formatDateZh(item.due)],
        ['最近报告', lastReportLine(followUp, schedule)],
      ],
    },
    { type: 'para', lines: [`督办原因：${followUp.why ?? COLOUR_SUBJECT[colour]}。`] },
    { type: 'para', lines: [`督办要求：${COLOUR_ASK[colour]}`] },
    {
      type: 'para',
      lines: [
        '请在每周报送的问题清单“议定事项落实情况”部分按编号填写落实情况；事项办结后在“是否办结”中选择“已办结”，经办公室确认后销号。',
      ],
    },
    ...closingBlocks(schedule.programme, now, true),
  ];

  const unit = unitById(schedule, unitId);
  const own = unit ? unitRecipients(unit) : { to: [], cc: [] };
  const head = unit?.head ? [personRecipient(unit.head)] : [];
  const extra =
    colour === 'red'
      ? [
          ...schedule.people.supervision.map(personRecipient),
          ...leaderOfItem(schedule, item.projectId).map(personRecipient),
        ]
      : [];
  const cooperating = item.cooperatingUnits
    .filter((u) => u !== unitId)
    .flatMap((u) => {
      const other = unitById(schedule, u);
      return other ? unitRecipients(other).to : [];
    });
  const { to, cc } = onceEach([...own.to, ...head], [...own.cc, ...cooperating, ...extra]);
  return {
    key: noticeKey(item.id, colour, unitId),
    kind: 'notice',
    unitId,
    itemIds: [item.id],
    colour,
    to,
    cc,
    subject,
    text: renderText(blocks),
    html: renderHtml(subject, blocks),
  };
}

function leaderOfItem(schedule: Schedule, projectId: string | null) {
  const project = projectId ? projectById(schedule, projectId) : null;
  const leader = project ? leaderOf(schedule, project) : null;
  return leader ? [leader] : [];
}

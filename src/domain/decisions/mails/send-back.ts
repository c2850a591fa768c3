/**
 * The mail that sends an item reported done (已办结) back to its responsible units: the office
 * did not confirm it closed, why, and what to do. To the units' reminder recipients, the unit
 * heads in copy; signed as the programme signs its mails. Pure: composed, not sent.
 */
import type { Schedule } from '../../../config/schedule';
import { wallClock } from '../../calendar';
import { sendbackKey } from '../../mail-key';
import { unitById, unitName } from '../../programme';
import { formatDateZh } from '../../zh/dates';
import type { AgreedItem } from '../types';
import { meetingLabel } from '../meeting';
import { onceEach, personRecipient, unitRecipients, type ComposedItemMail } from './item-mail';

export interface SendBackMailInput {
  item: AgreedItem;
  /** The office's reason. */
  note: string;
  /** Which sending back of the item this is (1, 2, …): the key sendback:<id>:<n>. */
  n: number;
  schedule: Schedule;
  /** When the office sent it back (the mail's date line). */
  at: Date;
}

export function composeSendBackMail(input: SendBackMailInput): ComposedItemMail {
  const { item, note, schedule } = input;
  const units = item.responsibleUnits.map((id) => unitById(schedule, id)).filter((u) => u !== null);
  const { to, cc } = onceEach(
    units.flatMap((u) => unitRecipients(u).to),
    units.flatMap((u) => [...unitRecipients(u).cc, ...(u.head ? [personRecipient(u.head)] : [])]),
  );
  const names = item.responsibleUnits.map((id) => unitName(schedule, id)).join('、');
  const signature = schedule.programme.signature;
  const today = wallClock(input.at, schedule.programme.timezone).date;
  const subject = `议定事项${item.id}未予确认办结（退回）`;
  const text = [
    `${names || '责任单位'}：`,
    '',
    `你单位报送已办结的议定事项（编号${item.id}）经${signature}核实，暂不予确认办结，现予退回。`,
    '',
    `议定事项：${item.text}`,
    `会议：${meetingLabel(item.meeting)}`,
    `办结时限：${formatDateZh(item.due)}`,
    `退回原因：${note}`,
    '',
    '请按退回原因继续抓好落实，并在每周问题清单“议定事项落实情况”中如实报送进展；落实完成后再次选择“已办结”报送。',
    '',
    signature,
    formatDateZh(today),
  ].join('\n');
  return {
    key: sendbackKey(item.id, input.n),
    kind: 'sendback',
    unitId: item.responsibleUnits[0] ?? '',
    itemIds: [item.id],
    colour: null,
    to,
    cc,
    subject,
    text,
    html: null,
  };
}

/**
 * The mail that sends an item reported done (已办结) back to its responsible units: the office
 * did not confirm it closed, why, and what to do. To the units' reminder recipients, the unit
 * heads in copy; signed as the programme signs its mails. Pure: composed, not sent.
 */
import type { Schedule } from '../../../config/schedule';
import { checkAddress, mailAddress, type MailAddress } from '../../mail/address';
import type { OutgoingMail } from '../../mail/outgoing-mail';
import { recipientsOf, unitName } from '../../programme';
import { wallClock } from '../../calendar';
import { formatDateZh } from '../../zh/dates';
import type { AgreedItem } from '../types';

export interface SendBackMailInput {
  item: AgreedItem;
  /** The office's reason. */
  note: string;
  /** The mail's key (sendbackKey(id, n)). */
  key: string;
  /** The From address of automatic mails. */
  from: string;
  schedule: Schedule;
  now: Date;
}

/** Each address once (without case), `to` before `cc`; invalid addresses are left out. */
function addressesOf(list: ReadonlyArray<{ name: string; address: string }>, seen: Set<string>) {
  const out: MailAddress[] = [];
  for (const r of list) {
    const checked = checkAddress(r);
    if (!checked.ok) continue;
    const k = checked.value.address.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(checked.value);
  }
  return out;
}

export function composeSendBackMail(input: SendBackMailInput): OutgoingMail {
  const { item, note, schedule, now } = input;
  const units = item.responsibleUnits
    .map((id) => schedule.units.find((u) => u.id === id))
    .filter((u) => u !== undefined);
  const parts = units.map((u) => recipientsOf(schedule, { to: ['unit'], cc: ['unit_head'] }, u));
  const seen = new Set<string>();
  const to = addressesOf(
    parts.flatMap((p) => p.to),
    seen,
  );
  const cc = addressesOf(
    parts.flatMap((p) => p.cc),
    seen,
  );
  const names = item.responsibleUnits.map((id) => unitName(schedule, id)).join('、');
  const signature = schedule.programme.signature;
  const today = wallClock(now, schedule.programme.timezone).date;
  const meeting = item.meeting.name
    ? `${item.meeting.name}（${formatDateZh(item.meeting.date)}）`
    : `${formatDateZh(item.meeting.date)}联合会议`;
  const subject = `议定事项${item.id}未予确认办结（退回）`;
  const text = [
    `${names || '责任单位'}：`,
    '',
    `你单位报送已办结的议定事项（编号${item.id}）经${signature}核实，暂不予确认办结，现予退回。`,
    '',
    `议定事项：${item.text}`,
    `会议：${meeting}`,
    `办结时限：${formatDateZh(item.due)}`,
    `退回原因：${note}`,
    '',
    '请按退回原因继续抓好落实，并在每周问题清单“议定事项落实情况”中如实报送进展；落实完成后再次选择“已办结”报送。',
    '',
    signature,
    formatDateZh(today),
  ].join('\n');
  return {
    key: input.key,
    kind: 'sendback',
    autoSubmitted: 'auto-generated',
    from: mailAddress(input.from, signature),
    to: to.length > 0 ? to : cc,
    cc: to.length > 0 ? cc : [],
    subject,
    text,
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    unitId: item.responsibleUnits[0] ?? null,
    reportingWeek: null,
  };
}

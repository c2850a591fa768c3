/** The ledger (督办台账) as plain text, for `duban ledger` without -o. */
import { formatDateZh } from '../zh/dates';
import { markZh, type Ledger } from './ledger';
import { meetingLabel } from './meeting';

export function ledgerText(ledger: Ledger, programmeName: string): string {
  const c = ledger.counts;
  const lines = [
    `${programmeName}督办台账（截至${formatDateZh(ledger.asOf)}）`,
    `共${c.total}项：未办结${c.open}项（红色${c.red}项、黄色${c.yellow}项、蓝色${c.blue}项），` +
      `待确认${c.awaiting}项，已办结${c.closed}项。`,
  ];
  for (const r of ledger.rows) {
    lines.push('');
    lines.push(`[${markZh(r)}] ${r.id} ${r.text}`);
    lines.push(`  会议：${meetingLabel(r.meeting)}；所属项目：${r.project ?? '—'}`);
    lines.push(
      `  责任单位：${r.responsible.join('、') || '—'}；配合单位：${r.cooperating.join('、') || '—'}；` +
        `办结时限：${formatDateZh(r.due)}；状态：${r.stateZh}` +
        (r.closedOn ? `（${formatDateZh(r.closedOn)}销号）` : ''),
    );
    if (r.why) lines.push(`  ${r.why}`);
    for (const h of r.history) lines.push(`  ${h.date} ${h.what}：${h.text}`);
  }
  return lines.join('\n');
}

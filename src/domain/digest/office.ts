/**
 * Section 5 of the digest, for the office: mail held for checking, mail not sent, mail not
 * processed yet, and the warnings on the week's sheets.
 */
import { oneLine } from '../one-line';
import { unitName, unitOrder } from '../programme';
import { shortDateTimeZh } from '../zh/times';
import type { DigestInput, OfficeSection } from './types';

export function officeSection(
  input: Pick<DigestInput, 'schedule' | 'week' | 'current' | 'office' | 'facts'>,
): OfficeSection {
  const { schedule } = input;
  const tz = schedule.programme.timezone;
  const year = input.week.slice(0, 4);
  return {
    quarantined: input.office.quarantined.map((q) => ({
      at: shortDateTimeZh(q.receivedAt, tz, year),
      from: oneLine(q.from ?? '（发件人不明）', 80),
      subject: oneLine(q.subject ?? '', 80) || '（无主题）',
      reason: q.reason === 'UNKNOWN_SENDER' ? '发件地址未登记' : '发件人身份验证未通过',
    })),
    unsentMails: input.office.unsentMails.map((m) => ({
      at: shortDateTimeZh(m.at, tz, year),
      kind: mailKindLabel(m.kind),
      to: m.to.join('、') || '（无收件人）',
      subject: oneLine(m.subject, 80),
      why:
        m.status === 'capped'
          ? '超过每日自动回复上限，未发送'
          : m.status === 'retrying'
            ? '发送暂时失败，等待重试'
            : '发送失败（邮件服务器拒收或地址无效）',
    })),
    unprocessed: input.office.unprocessed,
    cloudLinks: [...input.facts]
      .filter((f) => (f.cloudLinks?.length ?? 0) > 0)
      .sort((a, b) => a.arrivedAt.getTime() - b.arrivedAt.getTime())
      .flatMap((f) =>
        (f.cloudLinks ?? []).map((l) => ({
          at: shortDateTimeZh(f.arrivedAt, tz, year),
          unitName: unitName(schedule, f.unitId),
          filename: oneLine(l.filename ?? '（未显示文件名）', 80),
          url: oneLine(l.url, 300),
        })),
      ),
    warnings: input.current
      .filter((s) => s.issues.some((i) => i.severity === 'warning'))
      .sort((a, b) => unitOrder(schedule, a.unitId) - unitOrder(schedule, b.unitId))
      .map((s) => ({
        unitName: unitName(schedule, s.unitId),
        issues: s.issues
          .filter((i) => i.severity === 'warning')
          .map((i) => ({ code: i.code, cell: i.cell, message: oneLine(i.message, 300) })),
      })),
  };
}

function mailKindLabel(kind: string): string {
  switch (kind) {
    case 'receipt':
      return '回执';
    case 'correction_request':
      return '修改通知';
    case 'unknown_sender':
      return '未登记地址答复';
    case 'too_large':
      return '超限答复';
    case 'unreadable':
      return '无法读取答复';
    case 'item_list_confirmation':
      return '议定事项登记回复';
    case 'item_list_refused':
      return '议定事项清单答复';
    case 'reminder':
      return '催报提醒';
    case 'digest':
      return '督办周报';
    default:
      return kind;
  }
}

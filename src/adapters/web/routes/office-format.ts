/** How the office pages write times, sizes, outcomes and download names (zh-CN). */
import { wallClock } from '../../../domain/calendar';
import { formatDateZh } from '../../../domain/zh/dates';

export const TIMEZONE = 'Asia/Shanghai';

/** "2021年3月15日 10:00" in the programme's time zone. */
export function timeZh(instant: Date, tz = TIMEZONE): string {
  const { date, time } = wallClock(instant, tz);
  return `${formatDateZh(date)} ${time.slice(0, 5)}`;
}

export function sizeZh(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const OUTCOME_ZH: Record<string, string> = {
  accepted: '已受理',
  accepted_with_warnings: '已受理（有提示）',
  rejected: '已退回',
  quarantined: '待核实',
  ignored: '未采用',
  duplicate: '重复',
  items_recorded: '已记录议定事项',
};

export function outcomeZh(outcome: string | null): string {
  if (outcome === null) return '尚未处理';
  return OUTCOME_ZH[outcome] ?? outcome;
}

/**
 * A Content-Disposition for a download: an ASCII fallback name and the real name in RFC 5987
 * form, so no header injection and no mojibake whatever the name holds.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'download';
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A positive integer id from a path segment, or null (then the route answers 404). */
export function idParam(text: unknown): number | null {
  if (typeof text !== 'string' || !/^[1-9]\d{0,14}$/.test(text)) return null;
  return Number(text);
}

/** Why a message came to its outcome, in the office's words (the code itself otherwise). */
const REASON_ZH: Record<string, string> = {
  UNKNOWN_SENDER: '发件人未登记',
  AUTO_REPLY: '自动回复',
  BOUNCE: '退信',
  READ_RECEIPT: '已读回执',
  OWN_MAIL: '本系统发出的邮件',
  MAILING_LIST: '邮件列表',
  BULK_PRECEDENCE: '群发邮件',
  FORWARDED_WITHOUT_SHEET: '转发邮件未附问题清单',
  FORWARDED_BY_RULE: '自动转发',
  NO_ATTACHMENT: '未附问题清单',
  HISTORY: '启用前的历史邮件',
  DMARC_FAIL: '未通过发件域验证（DMARC）',
  ITEM_LIST_FROM_UNIT: '成员单位发送的议定事项清单（仅联合会议办公室可报送）',
  ITEM_LIST_NO_MEETING_DATE: '议定事项清单未写明会议日期',
};

/** "发件人未登记（UNKNOWN_SENDER）": the code stays visible for looking it up. */
export function reasonZh(reason: string): string {
  const zh = REASON_ZH[reason];
  return zh ? `${zh}（${reason}）` : reason;
}

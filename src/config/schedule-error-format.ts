/**
 * Schedule problems in words, in one place: `formatScheduleError(err, lang)` gives
 * file:line:column, the field path and the sentence of the error's kind from the language's table.
 *
 *   en:    config/schedule.yaml:12:5: units[2].email: "x" is not a valid e-mail address … .
 *   zh-CN: config/schedule.yaml:12:5 units[2].email：邮箱地址格式不正确。您是否要写“jiaoyu@example.cn”？
 */
import type { ConfigError, Lang, ScheduleErrorDetail } from './schedule-error';
import { LANGS } from './schedule-error';
import { EN, type MessageTable } from './schedule-error-en';
import { ZH } from './schedule-error-zh';

export type { Lang };

const TABLES: Record<Lang, MessageTable> = { en: EN, 'zh-CN': ZH };

/** The sentence of one problem (no position, no path). */
export function scheduleMessage(d: ScheduleErrorDetail, lang: Lang): string {
  const render = TABLES[lang][d.kind] as (p: ScheduleErrorDetail['params']) => string;
  return render(d.params);
}

/** One problem as a line: `file:line:column path：sentence` (zh-CN), `file:line:column: path: sentence` (en). */
export function formatScheduleError(
  err: ConfigError,
  lang: Lang,
  severity: 'error' | 'warning' = 'error',
): string {
  const where = err.line > 0 ? `${err.file}:${err.line}:${err.column}` : err.file;
  const message = scheduleMessage(
    { kind: err.kind, params: err.params } as ScheduleErrorDetail,
    lang,
  );
  if (lang === 'en') {
    const what = severity === 'warning' ? `warning: ${message}` : message;
    return err.path ? `${where}: ${err.path}: ${what}` : `${where}: ${what}`;
  }
  const what = severity === 'warning' ? `警告：${message}` : message;
  return err.path ? `${where} ${err.path}：${what}` : `${where}：${what}`;
}

/** The language named by `value` (`en`, `zh`, `zh-CN`, any case), or null. */
export function parseLang(value: string): Lang | null {
  const v = value.trim().toLowerCase().replace('_', '-');
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v === 'zh-cn' || v === 'zh-hans') return 'zh-CN';
  return null;
}

export { LANGS };

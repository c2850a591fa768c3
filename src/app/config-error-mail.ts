/** The mail that tells the office admins why a changed schedule file was refused. */
import * as path from 'node:path';
import type { ConfigError } from '../config/schedule-error';
import { formatScheduleError } from '../config/schedule-error-format';
import type { Schedule } from '../config/schedule';
import { configErrorKey } from '../domain/mail-key';
import { mailAddress } from '../domain/mail/address';
import type { OutgoingMail } from '../domain/mail/outgoing-mail';
import { dateOfZh, dateTimeZh } from '../domain/zh/times';

/** The mail to the office admins listing a refused schedule's errors (formal zh-CN). */
export function composeConfigErrorMail(input: {
  schedule: Schedule;
  from: string;
  sha: string;
  shown: string;
  errors: readonly ConfigError[];
  now: Date;
}): OutgoingMail | null {
  const { schedule, errors, now } = input;
  const admins = schedule.people.office.filter((p) => p.admin);
  if (admins.length === 0) return null;
  const { signature, timezone } = schedule.programme;
  const name = path.basename(input.shown);
  const subject = `【配置错误】${name}有${errors.length}处错误，修改未生效`;
  const text = [
    `${[...new Set(admins.map((a) => a.title))].join('、')}：`,
    '',
    `${dateTimeZh(now, timezone)}，系统读取修改后的配置文件“${input.shown}”时发现${errors.length}处错误，修改未生效。系统继续按修改前的配置运行，提醒和汇总照常发送。`,
    '',
    '错误清单（文件:行:列 位置：说明）：',
    ...errors.map((e, i) => `${i + 1}. ${formatScheduleError(e, 'zh-CN')}`),
    '',
    '请按以上说明改正后保存，系统将自动重新读取；也可先运行 duban config check 检查。',
    '',
    '本邮件由系统自动发送。',
    '',
    signature,
    dateOfZh(now, timezone),
    '',
  ].join('\n');
  return {
    key: configErrorKey(input.sha),
    kind: 'config_error',
    autoSubmitted: 'auto-generated',
    from: mailAddress(input.from, signature),
    to: admins.map((a) => ({ name: a.title, address: a.email })),
    cc: [],
    subject,
    text,
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
  };
}

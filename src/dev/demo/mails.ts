/**
 * The mails of the demo, built the way the units' clients send them: a filled sheet from a unit,
 * the sheet as a Word table, a QQ Mail large-attachment link instead of the file, a sheet
 * forwarded by a secretary as an attached message whose file name is raw GBK bytes (as some
 * Chinese clients still write it), and an out-of-office reply.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import type { Schedule } from '../../config/schedule';
import type { TemplateItem } from '../../domain/decisions/types';
import { writeTemplate } from '../../adapters/excel/template';

export interface Answers {
  problems: string;
  departments: string;
  progress: string;
  nextSteps: string;
}

/**
 * A unit's template for the week, filled in the first row of each project as a person does;
 * `edit` then changes what else the scenario needs (a due date typed as 月底).
 */
export async function filledSheet(
  schedule: Schedule,
  unitId: string,
  week: string,
  answers: Answers,
  edit?: (ws: ExcelJS.Worksheet) => void,
  /** The unit's open agreed items: the template gains the sheet 议定事项落实情况. */
  items?: readonly TemplateItem[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({
      schedule,
      unitId,
      week,
      ...(items ? { items } : {}),
    })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('template without a sheet');
  // Columns located by header text: the template may carry extra columns (完成情况).
  const header = ws.getRow(5);
  const col = (label: string): number => {
    let found = 0;
    header.eachCell((cell, n) => {
      if (String(cell.value ?? '').startsWith(label)) found = n;
    });
    if (!found) throw new Error(`template has no ${label} column`);
    return found;
  };
  const [name, problems, departments, progress, nextSteps] = [
    '项目名称',
    '存在问题',
    '问题责任部门',
    '协调推进情况',
    '下阶段工作对策建议',
  ].map(col) as [number, number, number, number, number];
  ws.eachRow((row, n) => {
    const cell = row.getCell(name);
    if (n <= 5 || !cell.value || (cell.isMerged && Number(cell.master.row) !== n)) return;
    if (String(cell.value).startsWith('填表说明')) return;
    row.getCell(problems).value = answers.problems;
    row.getCell(departments).value = answers.departments;
    row.getCell(progress).value = answers.progress;
    row.getCell(nextSteps).value = answers.nextSteps;
  });
  edit?.(ws);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function mailWithSheet(opts: {
  from: string;
  subject: string;
  date: Date;
  messageId: string;
  attachments: Array<{ filename: string; content: Buffer; contentType?: string }>;
  headers?: Record<string, string>;
  text?: string;
}): Promise<Buffer> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const info = await builder.sendMail({
    from: opts.from,
    to: 'duban-inbox@example.cn',
    subject: opts.subject,
    date: opts.date,
    messageId: opts.messageId,
    text: opts.text ?? '请查收本周问题清单。',
    headers: opts.headers ?? {},
    attachments: opts.attachments.map((a) => ({ ...a, contentType: a.contentType ?? XLSX })),
  });
  return info.message as Buffer;
}

/**
 * A secretary forwards the sheet "as attachment": the original message travels as a
 * message/rfc822 part, and inside it the file name is raw GBK bytes in the header.
 */
export function forwardedWithGbkName(opts: {
  from: string;
  originalFrom: string;
  date: Date;
  messageId: string;
  filename: string;
  content: Buffer;
}): Buffer {
  const b64 = opts.content.toString('base64').replace(/.{76}/g, '$&\r\n');
  const name = iconv.encode(opts.filename, 'gbk');
  const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
  const inner = Buffer.concat([
    ascii(
      `From: ${opts.originalFrom}\r\nTo: ${opts.from}\r\nSubject: =?UTF-8?B?${Buffer.from('本周问题清单').toString('base64')}?=\r\n` +
        `Date: ${opts.date.toUTCString()}\r\nMessage-ID: <inner-${opts.messageId.replace(/[<>]/g, '')}>\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/mixed; boundary="inner-b"\r\n\r\n--inner-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n',
    ),
    Buffer.from('请查收。\r\n'),
    ascii(`--inner-b\r\nContent-Type: ${XLSX}; name="`),
    name,
    ascii('"\r\nContent-Disposition: attachment; filename="'),
    name,
    ascii(`"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--inner-b--\r\n`),
  ]);
  return Buffer.concat([
    ascii(
      `From: ${opts.from}\r\nTo: duban-inbox@example.cn\r\nSubject: =?UTF-8?B?${Buffer.from('转发：本周问题清单').toString('base64')}?=\r\n` +
        `Date: ${opts.date.toUTCString()}\r\nMessage-ID: ${opts.messageId}\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/mixed; boundary="outer-b"\r\n\r\n--outer-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n',
    ),
    Buffer.from('代转本单位问题清单，请查收。\r\n'),
    ascii('--outer-b\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n'),
    inner,
    ascii('\r\n--outer-b--\r\n'),
  ]);
}

/** An out-of-office reply, as Exchange and Coremail send them. */
export function outOfOffice(opts: {
  from: string;
  date: Date;
  messageId: string;
  inReplyTo: string;
}): Buffer {
  const subject = Buffer.from('自动回复：外出公干，3月19日返回').toString('base64');
  return Buffer.from(
    `From: ${opts.from}\r\nTo: duban-inbox@example.cn\r\nSubject: =?UTF-8?B?${subject}?=\r\nDate: ${opts.date.toUTCString()}\r\n` +
      `Message-ID: ${opts.messageId}\r\nIn-Reply-To: ${opts.inReplyTo}\r\nAuto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
      `${Buffer.from('您好，本人外出公干，3月19日返回，期间邮件将延迟处理。').toString('base64')}\r\n`,
    'latin1',
  );
}

/**
 * A sheet sent as QQ Mail's 超大附件 (large attachment): the body carries only a download link,
 * the file itself stays on QQ's servers and the link expires. Text and HTML bodies as QQ Mail
 * writes them.
 */
export async function qqLargeAttachmentMail(opts: {
  from: string;
  date: Date;
  messageId: string;
  filename: string;
}): Promise<Buffer> {
  const link =
    'https://mail.qq.com/cgi-bin/ftnExs_download?k=2d6437300b2a5e9f7d3a1c4b1234567890abcdef&t=exs_ftn_download&code=7c3a';
  const expires = new Date(opts.date.getTime() + 30 * 86_400_000);
  const when = `${expires.getUTCFullYear()}年${String(expires.getUTCMonth() + 1).padStart(2, '0')}月${String(expires.getUTCDate()).padStart(2, '0')}日 10:02`;
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const info = await builder.sendMail({
    from: opts.from,
    to: 'duban-inbox@example.cn',
    subject: '本周问题清单',
    date: opts.date,
    messageId: opts.messageId,
    text: `请查收本周问题清单。\n\n从QQ邮箱发来的超大附件\n\n${opts.filename} (1.2M, ${when} 到期)\n进入下载页面：${link}\n`,
    html:
      '<div>请查收本周问题清单。</div><div style="padding:10px;border:1px solid #ddd">' +
      '<div>从QQ邮箱发来的超大附件</div>' +
      `<div><a href="${link}" target="_blank">${opts.filename}</a> (1.2M, ${when} 到期)</div>` +
      `<div><a href="${link}" target="_blank">进入下载页面</a></div></div>`,
  });
  return info.message as Buffer;
}

/**
 * The mails of a fault run: real sheets (each unit's own pre-filled template, filled in with
 * exceljs) sent by nodemailer as a mail client would, from the example schedule's five units.
 *
 * Within a reporting week each unit sends three versions, minutes apart: its first sheet and two
 * corrections; some mails carry no sheet (answered with a correction request, recorded as a
 * rejected submission). Every mail has its own Message-ID and an INTERNALDATE on its week's
 * Monday morning, one minute after the one before.
 *
 * The APPEND order is the INTERNALDATE order except for one unit per week, whose first correction
 * is appended after its second (a delivery that a relay held back): its INTERNALDATE is still
 * the earlier one, so the second correction must stay current whatever order the jobs run in.
 */
import ExcelJS from 'exceljs';
import nodemailer from 'nodemailer';
import { writeTemplate } from '../../../src/adapters/excel/template';
import type { Schedule } from '../../../src/config/schedule';

export const FAULT_UNITS = ['jiaoyu', 'weijian', 'jiaotong', 'xincheng', 'nongshui'] as const;
/** Mails per reporting week: five units, three versions each. */
const PER_WEEK = FAULT_UNITS.length * 3;
const FIRST_MONDAY = Date.UTC(2021, 2, 15);
/** Weeks of the example programme from 2021-03-15 (it runs to the end of 2021). */
const WEEKS = 40;

export interface FaultMail {
  n: number;
  unitId: string;
  week: string;
  /** 0: the first sheet, 1 and 2: corrections. */
  version: number;
  /** False: no attachment (the answer is a correction request). */
  hasSheet: boolean;
  messageId: string;
  internalDate: Date;
  raw: Buffer;
}

/** `count` mails, in the order to APPEND them (see the module comment). */
export async function buildFaultMails(
  schedule: Schedule,
  count: number,
  tag: string,
): Promise<FaultMail[]> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const templates = new Map<string, Buffer>();
  const mails: FaultMail[] = [];
  for (let n = 0; n < count; n++) {
    const weekIndex = Math.floor(n / PER_WEEK) % WEEKS;
    const slot = n % PER_WEEK;
    const unitId = FAULT_UNITS[slot % FAULT_UNITS.length] as string;
    const unit = schedule.units.find((u) => u.id === unitId);
    if (!unit) throw new Error(`unit ${unitId} is not in the schedule`);
    const week = new Date(FIRST_MONDAY + weekIndex * 7 * 86_400_000).toISOString().slice(0, 10);
    const version = Math.floor(slot / FAULT_UNITS.length);
    const hasSheet = n % 11 !== 7;
    // 09:00 in Beijing, one minute per mail: later versions arrive later.
    const internalDate = new Date(Date.parse(`${week}T01:00:00Z`) + slot * 60_000);
    const attachments = [];
    if (hasSheet) {
      const key = `${unitId}/${week}`;
      if (!templates.has(key)) templates.set(key, await writeTemplate({ schedule, unitId, week }));
      attachments.push({
        filename: `${unit.name}问题清单${week}.xlsx`,
        content: await fillSheet(templates.get(key) as Buffer, `${tag}-${n}`, version),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    }
    const messageId = `<fault-${tag}-${n}@${unitId}.example.cn>`;
    const info = await builder.sendMail({
      from: { name: unit.name, address: unit.addresses[0] ?? `${unitId}@example.cn` },
      to: schedule.programme.mailbox,
      subject: `${unit.name}重点项目问题清单（${week}）${version > 0 ? `更正${version}` : ''}`,
      date: internalDate,
      messageId,
      text: `联合会议办公室：\n\n现报送本单位本周重点项目问题清单，请查收。\n\n${unit.name}\n`,
      attachments,
    });
    mails.push({
      n,
      unitId,
      week,
      version,
      hasSheet,
      messageId,
      internalDate,
      raw: info.message as Buffer,
    });
  }
  return appendOrder(mails);
}

/** One unit per week has its first correction appended after its second. */
function appendOrder(mails: FaultMail[]): FaultMail[] {
  const ordered = [...mails];
  for (let start = 0; start + PER_WEEK <= ordered.length; start += PER_WEEK) {
    const u = (start / PER_WEEK) % FAULT_UNITS.length;
    const first = start + FAULT_UNITS.length + u;
    const second = first + FAULT_UNITS.length;
    const held = ordered.splice(first, 1)[0] as FaultMail;
    // After the removal the second correction sits at second - 1: insert right after it.
    ordered.splice(second, 0, held);
  }
  return ordered;
}

async function fillSheet(template: Buffer, mark: string, version: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  ws.getCell('F6').value = `项目审批方面：无\n资金概算方面：资金缺口约${200 + version * 50}万元。`;
  ws.getCell('G6').value = '区财政局';
  ws.getCell('H6').value = `第${version + 1}版：施工单位已进场。（报送序号${mark}）`;
  ws.getCell('I6').value = '建议尽快安排资金。';
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

// Helper of bench/intake-bench.js: builds submission mails as lead units send them. Each is the
// unit's own pre-filled template (writeTemplate, from dist/) for one reporting week, filled in
// with exceljs the way test/integration/intake.test.ts's filledSheet does (five problem
// categories, departments, progress, next steps), with text that differs from mail to mail, sent
// by nodemailer as a mail client would (CRLF, RFC 2231 file name, distinct Message-ID).
'use strict';
const path = require('node:path');
const ExcelJS = require('exceljs');
const nodemailer = require('nodemailer');

const ROOT = path.resolve(__dirname, '..');
const { writeTemplate } = require('../dist/src/adapters/excel/template.js');
const { loadScheduleFile } = require('../dist/src/config/load-schedule.js');

const EXAMPLE_SCHEDULE = path.join(ROOT, 'config', 'schedule.example.yaml');
const UNITS = ['jiaoyu', 'weijian', 'jiaotong', 'xincheng', 'nongshui'];
/** Mondays from 2021-03-15 inside the example programme's active period (to 2021-12-31). */
const FIRST_WEEK = Date.UTC(2021, 2, 15);
const WEEKS = 42;

const DEPARTMENTS = ['区财政局', '区发改局', '区自然资源局', '区住建局', '区生态环境局', '镇政府'];
const PHRASES = [
  '施工单位已进场，正在组织人员和机械',
  '已召开专题协调会，明确各方责任分工',
  '设计变更已报审，待区发改局批复',
  '征迁补偿方案已公示，群众意见已汇总',
  '资金拨付申请已提交区财政局审核',
  '主体结构施工进度约完成计划的百分之六十',
  '用地预审材料已补充完善并重新报送',
  '监理单位已对现场安全隐患开展排查整改',
];

function weekOf(index) {
  return new Date(FIRST_WEEK + (index % WEEKS) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** The k-th phrase of mail n: deterministic, and a different mix from one mail to the next. */
function pick(n, k) {
  return PHRASES[(k * 7 + n * 3) % PHRASES.length];
}

async function loadExampleSchedule() {
  const result = await loadScheduleFile(EXAMPLE_SCHEDULE);
  if (!result.ok) throw new Error(`example schedule invalid: ${JSON.stringify(result.errors)}`);
  return result.schedule;
}

/**
 * `count` mails numbered from `first` (numbers are unique across calls of one run, so are the
 * Message-IDs and the contents). Mail n comes from unit n mod 5, for week (n div 5) mod 42, with an
 * INTERNALDATE on that Monday morning (Beijing time), so each unit sends two or three versions a
 * week (the later supersedes the earlier, as when a unit sends a correction).
 */
async function buildMails({ first, count, tag, schedule }) {
  const sched = schedule ?? (await loadExampleSchedule());
  const templates = new Map();
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const mails = [];
  for (let n = first; n < first + count; n++) {
    const unitId = UNITS[n % UNITS.length];
    const unit = sched.units.find((u) => u.id === unitId);
    const week = weekOf(Math.floor(n / UNITS.length));
    const key = `${unitId}/${week}`;
    if (!templates.has(key))
      templates.set(key, await writeTemplate({ schedule: sched, unitId, week }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(templates.get(key));
    const ws = wb.worksheets[0];
    ws.getCell('F6').value = [
      `项目审批方面：${pick(n, 1)}（第${n}号）。`,
      `资金概算方面：资金缺口约${100 + (n % 400)}万元，${pick(n, 2)}。`,
      n % 3 === 0 ? '规划用地方面：无' : `规划用地方面：${pick(n, 3)}。`,
      `工程施工方面：${pick(n, 4)}。`,
      n % 4 === 0 ? '群众工作方面：暂无' : `群众工作方面：${pick(n, 5)}。`,
    ].join('\n');
    ws.getCell('G6').value = [DEPARTMENTS[n % 6], DEPARTMENTS[(n + 2) % 6]].join('、');
    ws.getCell('H6').value = `截至${week}，${pick(n, 6)}；${pick(n, 7)}。（报送序号${tag}-${n}）`;
    ws.getCell('I6').value = `建议${DEPARTMENTS[(n + 1) % 6]}加快办理，${pick(n, 8)}。`;
    const sheet = Buffer.from(await wb.xlsx.writeBuffer());
    const monday = new Date(`${week}T01:00:00Z`); // 09:00 in Beijing
    const internalDate = new Date(monday.getTime() + (n % 600) * 1000);
    const messageId = `<bench-${tag}-${n}.${process.pid}@${unitId}.example.cn>`;
    const info = await builder.sendMail({
      from: { name: unit.name, address: unit.addresses[0] },
      to: sched.programme.mailbox,
      subject: `${unit.name}重点项目问题清单（${week}）`,
      date: internalDate,
      messageId,
      text: `联合会议办公室：\n\n现报送本单位本周重点项目问题清单，请查收。\n\n${unit.name}\n`,
      attachments: [
        {
          filename: `${unit.name}问题清单${week}.xlsx`,
          content: sheet,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
      ],
    });
    mails.push({ n, unitId, week, messageId, internalDate, raw: info.message });
  }
  return mails;
}

module.exports = { buildMails, loadExampleSchedule, UNITS, EXAMPLE_SCHEDULE };

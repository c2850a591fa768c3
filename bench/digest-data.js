// The large programme of bench/digest-bench.js: its schedule (as YAML, loaded and validated the
// way `duban` loads it) and a year of stored sheets in a fresh SQLite database.
//   500 projects × 4 targets, 100 lead units × 5 projects, 52 weekly reporting weeks
//   (2021-01-04 … 2021-12-27), one current sheet per unit and week (plus corrections that it
//   superseded), reminders and the digests of the earlier weeks marked sent.
// Deterministic: the same database every run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const dist = (p) => require(path.join(__dirname, '..', 'dist', 'src', p));

const PROJECTS = 500;
const UNITS = 100;
const TARGETS_PER_PROJECT = 4;
const FIRST_WEEK = '2021-01-04';
const WEEKS = 52;

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-randomness

function hash(...parts) {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}
const pick = (list, ...key) => list[hash(...key) % list.length];

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const WEEK_LIST = Array.from({ length: WEEKS }, (_, i) => addDays(FIRST_WEEK, 7 * i));

// ---------------------------------------------------------------------------------------------
// Names

const BUREAUS = [
  '区发改局',
  '区教育局',
  '区卫健局',
  '区交通运输局',
  '区农水局',
  '区住建局',
  '区自然资源局',
  '区财政局',
  '区生态环境分局',
  '区工信局',
  '区商务局',
  '区文体旅局',
  '区城管局',
  '区应急局',
  '区市场监管局',
  '区民政局',
  '区人社局',
  '区司法局',
  '区公安分局',
  '区林业局',
  '区科技局',
  '区行政审批局',
  '区国资中心',
  '区供电公司',
  '区水务公司',
  '区城投集团',
  '区交发集团',
  '区文旅集团',
  '区土地收储中心',
  '区征迁办',
];
const TOWNS = [
  '山腰',
  '南埔',
  '界山',
  '后龙',
  '峰尾',
  '前黄',
  '涂岭',
  '驿坂',
  '锦川',
  '凤北',
  '沙格',
  '诚平',
  '土坑',
  '郭厝',
  '肖厝',
  '下朱尾',
  '坝头',
  '潘南',
  '西峰',
  '东张',
];
const TOWN_KINDS = ['镇人民政府', '片区指挥部', '园区管委会', '街道办事处'];
const PLACES = [
  '锦川',
  '南埔',
  '山腰',
  '界山',
  '后龙',
  '峰尾',
  '前黄',
  '涂岭',
  '驿坂',
  '凤北',
  '沙格',
  '诚平',
  '土坑',
  '郭厝',
  '肖厝',
  '坝头',
  '潘南',
  '西峰',
  '东张',
  '石化园区',
  '滨海新城',
  '南山片区',
  '北部新区',
  '惠屿岛',
  '樟脚',
];
const PROJECT_KINDS = [
  '实验小学',
  '安置房（一期）',
  '安置房（二期）',
  '污水处理厂提标改造',
  '综合医院',
  '滨海大道',
  '防洪堤',
  '农贸市场',
  '体育公园',
  '人才公寓',
  '供水管网改造',
  '老旧小区改造',
  '停车场',
  '职业技术学校',
  '垃圾转运站',
  '110千伏变电站',
  '物流园',
  '幼儿园',
  '文化中心',
  '公交枢纽站',
];
const TARGET_TEXTS = [
  '完成项目可研批复',
  '完成初步设计及概算批复',
  '完成施工图审查',
  '完成施工招投标',
  '项目开工建设',
  '完成用地报批',
  '完成征地拆迁',
  '完成土地出让',
  '主体结构封顶',
  '完成竣工验收',
  '完成管网铺设',
  '完成工程量清算',
  '完成重新招投标',
  '项目重新开工',
  '完成环评批复',
  '完成水保方案批复',
  '取得建设工程规划许可证',
  '取得施工许可证',
  '完成资金拼盘',
  '完成专项债申报',
];
const DEPARTMENTS = [
  '区财政局',
  '区自然资源局',
  '区住建局',
  '区发改局',
  '区行政审批局',
  '区生态环境分局',
  '区征迁办',
  '区交通运输局',
  '区供电公司',
  '区水务公司',
  '区林业局',
  '区应急局',
  '属地镇政府',
  '区城管局',
  '区土地收储中心',
];
const CONVENORS = 8;

// Problem texts by category, assembled from phrases; a project's text in a category stays the
// same for a few weeks (period and phase differ per project and category), then changes.
const PROBLEMS = {
  approval: {
    head: [
      '项目可研报告',
      '初步设计及概算',
      '施工图设计文件',
      '环境影响评价报告',
      '节能审查意见',
      '水土保持方案',
    ],
    body: [
      '尚未取得批复，需区发改局加快审查',
      '经专家评审需补充论证，设计单位正在修改完善',
      '因规划条件调整需重新报批',
      '已报市级部门审批，尚待反馈意见',
      '涉及跨部门会审，审查周期较长',
      '已通过联审，待出具正式批复文件',
    ],
  },
  funding: {
    head: ['项目资金缺口', '上级补助资金', '专项债券资金', '工程款支付', '征迁补偿资金'],
    body: [
      '约2300万元尚未落实，需区财政局统筹安排',
      '尚未下达到位，影响工程进度款拨付',
      '申报材料被退回，需补充项目收益与融资平衡方案',
      '拨付流程较长，施工单位资金周转困难',
      '概算调增后超出原批复额度，需重新核定资金来源',
      '已部分到位，剩余部分计划下季度安排',
    ],
  },
  land: {
    head: ['项目用地', '红线范围内', '临时用地', '建设用地指标', '林地占用'],
    body: [
      '尚有3户未签订征迁协议，影响场地平整',
      '涉及基本农田调整，需报省级审批',
      '指标尚未落实，需自然资源部门协调调剂',
      '规划用途与项目性质不符，需调整控规',
      '土地出让手续尚未办结，无法办理不动产权证',
      '林地使用审批已上报，待市林业局批复',
    ],
  },
  construction: {
    head: ['施工进度', '施工现场', '施工单位', '主体工程', '配套管网'],
    body: [
      '受连续降雨影响，较计划滞后约半个月',
      '存在高压线迁改问题，需供电公司配合',
      '劳动力投入不足，现场作业面未全面展开',
      '地质条件与勘察报告不符，需设计变更',
      '建材价格上涨，施工单位要求调整合同价款',
      '与周边在建道路交叉施工，需统筹工序衔接',
    ],
  },
  community: {
    head: ['周边群众', '部分村民', '沿线住户', '个别业主', '村集体'],
    body: [
      '对施工噪音和扬尘有意见，多次阻挠施工',
      '对补偿标准有异议，尚未同意腾退',
      '要求增设出入口，需属地镇政府做好解释工作',
      '就祖坟迁移问题提出诉求，正在协商',
      '反映施工影响出行，已设置临时便道',
      '就就业安置提出要求，属地正在沟通协调',
    ],
  },
};
const CATEGORIES = Object.keys(PROBLEMS);

function problemText(project, category, weekIndex) {
  // Each project has two to four categories with open problems; texts change every 2–6 weeks.
  if (hash(project, category, 'has') % 5 >= 3) return null;
  const period = 2 + (hash(project, category, 'period') % 5);
  const phase = hash(project, category, 'phase') % period;
  const epoch = Math.floor((weekIndex + phase) / period);
  // Now and then a problem is solved for a few weeks.
  if (hash(project, category, epoch, 'gap') % 9 === 0) return null;
  const p = PROBLEMS[category];
  const lines = 1 + (hash(project, category, epoch, 'n') % 2);
  return Array.from(
    { length: lines },
    (_, i) =>
      `${i + 1}.${pick(p.head, project, category, epoch, i, 'h')}${pick(p.body, project, category, epoch, i, 'b')}。`,
  ).join('\n');
}

// ---------------------------------------------------------------------------------------------
// The schedule

function unitName(i) {
  if (i < BUREAUS.length) return BUREAUS[i];
  const j = i - BUREAUS.length;
  return `${TOWNS[j % TOWNS.length]}${TOWN_KINDS[Math.floor(j / TOWNS.length)]}`;
}
const unitId = (i) => `u${String(i + 1).padStart(3, '0')}`;
const projectId = (i) => `p${String(i + 1).padStart(3, '0')}`;

function scheduleDocument() {
  const units = Array.from({ length: UNITS }, (_, i) => ({
    id: unitId(i),
    name: unitName(i),
    aliases: [],
    addresses: [`${unitId(i)}@example.cn`],
    remind: { to: [`${unitId(i)}@example.cn`], cc: [] },
    head: { title: `${unitName(i)}主要负责人`, email: `${unitId(i)}-head@example.cn` },
  }));
  const projects = Array.from({ length: PROJECTS }, (_, i) => ({
    id: projectId(i),
    name: `${PLACES[i % PLACES.length]}${PROJECT_KINDS[Math.floor(i / PLACES.length)]}项目`,
    aliases: [],
    lead_units: [unitId(Math.floor(i / 5))],
    responsible_leader: `convenor-${(i % CONVENORS) + 1}`,
    targets: Array.from({ length: TARGETS_PER_PROJECT }, (_, t) => ({
      text: TARGET_TEXTS[(i + 3 * t) % TARGET_TEXTS.length],
      // Spread over the year, in order: the last week's digest has overdue and due-soon targets.
      due: addDays('2021-02-15', t * 80 + (hash(i, t, 'due') % 80)),
    })),
  }));
  const range = (from, to) => `${from}..${to}`;
  return {
    version: 1,
    programme: {
      name: '2021年度重点项目突破攻坚（全区）',
      timezone: 'Asia/Shanghai',
      active: { from: FIRST_WEEK, to: '2021-12-31' },
      mailbox: 'duban-inbox@example.cn',
      signature: '联合会议办公室',
    },
    people: {
      chief_convenor: {
        id: 'chief',
        title: '总召集人（区政府常务副区长）',
        email: 'chief@example.cn',
      },
      convenors: Array.from({ length: CONVENORS }, (_, i) => ({
        id: `convenor-${i + 1}`,
        title: '召集人（区政府副区长）',
        email: `convenor-${i + 1}@example.cn`,
      })),
      office: [
        { id: 'office-director', title: '办公室主任', email: 'office@example.cn', admin: true },
        {
          id: 'office-staff',
          title: '办公室工作人员',
          email: 'office-staff@example.cn',
          admin: false,
        },
      ],
    },
    units,
    projects,
    cycle: {
      deadline: { weekday: 'monday', time: '18:00' },
      on_holiday: 'next_working_day',
      late_window_working_days: 1,
      // reminders and digest: the schedule's defaults (the example's ladder, Tuesday 08:00).
    },
    calendar: {
      remind_on_non_working_days: false,
      years: {
        2021: {
          holidays: [
            range('2021-01-01', '2021-01-03'),
            range('2021-02-11', '2021-02-17'),
            range('2021-04-03', '2021-04-05'),
            range('2021-05-01', '2021-05-05'),
            range('2021-06-12', '2021-06-14'),
            range('2021-09-19', '2021-09-21'),
            range('2021-10-01', '2021-10-07'),
          ],
          workdays: [
            '2021-02-07',
            '2021-02-20',
            '2021-04-25',
            '2021-05-08',
            '2021-09-18',
            '2021-09-26',
            '2021-10-09',
          ],
        },
        2022: { holidays: [range('2022-01-01', '2022-01-03')], workdays: [] },
      },
    },
  };
}

/** Writes the schedule YAML and returns it loaded (validated) as duban loads it. */
function writeSchedule(file) {
  const text = YAML.stringify(scheduleDocument(), { lineWidth: 0 });
  fs.writeFileSync(file, text);
  const { loadScheduleText } = dist('config/load-schedule.js');
  const r = loadScheduleText(text, file);
  if (!r.ok) throw new Error(`schedule invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
  return r.schedule;
}

// ---------------------------------------------------------------------------------------------
// The stored sheets

function dueText(iso) {
  return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

function sheetProjects(schedule, unitIndex, weekIndex, week) {
  return schedule.projects.slice(unitIndex * 5, unitIndex * 5 + 5).map((p, k) => {
    const n = unitIndex * 5 + k;
    const problems = {};
    for (const c of CATEGORIES) problems[c] = problemText(n, c, weekIndex);
    const epoch = Math.floor(weekIndex / 3);
    const departments = [
      ...new Set(
        [0, 1, 2]
          .slice(0, 1 + (hash(n, epoch, 'nd') % 3))
          .map((d) => pick(DEPARTMENTS, n, epoch, d)),
      ),
    ];
    return {
      nameAsWritten: p.name,
      projectId: p.id,
      leadUnits: p.leadUnits,
      problems,
      uncategorizedProblems:
        hash(n, weekIndex, 'unc') % 20 === 0 ? '其他：项目周边配套道路尚未纳入年度计划。' : null,
      responsibleDepartments: departments,
      progress: `${week.slice(5).replace('-', '月')}日，${pick(DEPARTMENTS, n, weekIndex, 'pg')}牵头召开协调会，${pick(['已明确责任分工和完成时限', '逐项梳理问题清单并形成会议纪要', '现场踏勘后提出解决方案', '对接上级部门争取政策支持'], n, weekIndex, 'pg2')}；目前项目完成总工程量的${Math.min(100, 5 + weekIndex * 2 + (n % 10))}%。`,
      nextSteps: `${pick(['加快推进', '全力攻坚', '倒排工期，确保'], n, epoch, 'ns')}${pick(TARGET_TEXTS, n, epoch, 'ns2')}，${pick(['每周召开现场调度会', '实行挂图作战', '落实专人跟踪督办', '及时协调解决施工中遇到的问题'], n, epoch, 'ns3')}。`,
      remarks: null,
      targets: p.targets.map((t) => ({
        text: t.text,
        due: t.due,
        dueText: dueText(t.due),
        status:
          t.due < week
            ? hash(n, t.text, 'late') % 4 === 0
              ? 'in_progress'
              : 'done'
            : t.due < addDays(week, 60)
              ? 'in_progress'
              : 'not_started',
      })),
    };
  });
}

function rawMessage(unitIndex, week, version) {
  const id = `<${week}.${unitId(unitIndex)}.v${version}@example.cn>`;
  const filler = Buffer.alloc(9000);
  for (let i = 0; i < filler.length; i++) filler[i] = hash(week, unitIndex, version, i >> 4) & 0xff;
  return Buffer.from(
    `From: ${unitId(unitIndex)}@example.cn\r\nTo: duban-inbox@example.cn\r\nSubject: =?UTF-8?B?${Buffer.from(`${unitName(unitIndex)}问题清单`).toString('base64')}?=\r\nMessage-ID: ${id}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\nContent-Transfer-Encoding: base64\r\n\r\n${filler.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b--\r\n`,
  );
}

/** Creates and fills the database; returns counts. */
async function populate(dbFile, schedule) {
  const storage = dist('adapters/storage/index.js');
  const { deadlineOf } = dist('domain/calendar.js');
  const db = await storage.openDatabase(`sqlite:${dbFile}`);
  await storage.migrateToLatest(db);
  const counts = { submissions: 0, projects: 0, targets: 0, rawMessages: 0, mails: 0 };
  try {
    for (const [weekIndex, week] of WEEK_LIST.entries()) {
      const deadline = deadlineOf(week, schedule);
      await storage.inTransaction(db, async (tx) => {
        for (let u = 0; u < UNITS; u++) {
          // Most on the deadline day; one in twelve late (next morning, reminded); one in
          // fifteen sends a correction that supersedes its first sheet an hour later.
          const late = hash(u, week, 'late') % 12 === 0;
          const base = late
            ? deadline.at.getTime() + (15 + (hash(u, week, 'm') % 900)) * 60_000
            : deadline.at.getTime() - (30 + (hash(u, week, 'm') % 480)) * 60_000;
          const versions = hash(u, week, 'corr') % 15 === 0 ? 2 : 1;
          for (let v = 1; v <= versions; v++) {
            const arrivedAt = new Date(base + (v - 1) * 3_600_000);
            const raw = await storage.storeRawMessage(tx, {
              raw: rawMessage(u, week, v),
              source: 'file',
              messageId: `<${week}.${unitId(u)}.v${v}@example.cn>`,
              fileName: `${unitId(u)}-${week}-v${v}.eml`,
              internalDate: arrivedAt,
              receivedAt: arrivedAt,
            });
            const projects = sheetProjects(schedule, u, weekIndex, week);
            await storage.recordSubmission(tx, {
              unitId: unitId(u),
              reportingWeek: week,
              rawMessageId: raw.id,
              arrivedAt,
              deadlineAt: deadline.at,
              status: v === 1 && versions === 2 ? 'accepted_with_warnings' : 'accepted',
              late: arrivedAt.getTime() > deadline.at.getTime(),
              issues:
                v === 1 && versions === 2
                  ? [
                      {
                        severity: 'warning',
                        code: 'TARGET_STATUS_MISSING',
                        cell: 'J7',
                        message: '第1个项目的完成情况未填写。',
                      },
                    ]
                  : [],
              filledOn: week,
              unitAsWritten: unitName(u),
              projects,
              now: arrivedAt,
            });
            await storage.setRawMessageOutcome(tx, raw.id, {
              outcome: 'submission',
              fromAddress: `${unitId(u)}@example.cn`,
              subject: `${unitName(u)}问题清单`,
              now: new Date(arrivedAt.getTime() + 5000),
            });
            counts.rawMessages++;
            counts.submissions++;
            counts.projects += projects.length;
            counts.targets += projects.reduce((s, p) => s + p.targets.length, 0);
          }
          if (late) {
            for (const stage of ['morning', 'overdue']) {
              await sentMail(storage, tx, {
                key: `reminder:${week}:${unitId(u)}:${stage}`,
                kind: 'reminder',
                recipients: { to: [`${unitId(u)}@example.cn`] },
                subject: `【提醒】${unitName(u)}本周问题清单`,
                unitId: unitId(u),
                reportingWeek: week,
                now: new Date(deadline.at.getTime() + (stage === 'morning' ? -9 : 0.5) * 3_600_000),
              });
              counts.mails++;
            }
          }
        }
        // Every earlier week's digest went out on its Tuesday.
        if (weekIndex < WEEKS - 1) {
          await sentMail(storage, tx, {
            key: `digest:${week}:v1`,
            kind: 'digest',
            recipients: { to: ['chief@example.cn'] },
            subject: `督办周报（${week}）`,
            unitId: null,
            reportingWeek: week,
            now: new Date(deadline.at.getTime() + 14 * 3_600_000),
          });
          counts.mails++;
        }
      });
    }
  } finally {
    await db.close();
  }
  return counts;
}

async function sentMail(storage, db, m) {
  const claim = await storage.claimMail(db, { ...m, claimedBy: 'bench' });
  await storage.markMailSent(db, claim.mail.id, { smtpResponse: '250 OK', now: m.now });
}

module.exports = {
  PROJECTS,
  UNITS,
  TARGETS_PER_PROJECT,
  WEEKS,
  WEEK_LIST,
  LAST_WEEK: WEEK_LIST[WEEK_LIST.length - 1],
  writeSchedule,
  populate,
};

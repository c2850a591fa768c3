/**
 * The reminder ladder (提醒 → 逾期 → 督办) for lead units whose weekly sheet has not arrived:
 * when each stage is due, who is due for it now, to whom it goes, and what it says. Pure: the
 * schedule, the week's unit states (week-status.ts), the stages already sent and `now` come
 * in; plans and mail texts go out. Sending is src/app/reminders.ts.
 *
 * The rules (documented in the README, "Reminders and escalation"):
 *
 * - A stage's day is the week's deadline day (after the holiday rule) plus `offsetDays`, counted
 *   in working days when `workingDays` is true; its moment is that day at `time` in the
 *   programme's zone (converted through the zone, never by adding hours to UTC).
 * - Unless `calendar.remindOnNonWorkingDays`, no stage goes out on a non-working day. A stage
 *   whose day is one is **moved**, not dropped, so that an escalation is never lost to a
 *   weekend: a stage after the deadline day moves to the next working day, a stage before it to
 *   the previous working day (it stays before the deadline), at the same time. A moved stage
 *   that would then go out at or after a later stage of the ladder (at or before an earlier one,
 *   when moved back) is **overtaken** and skipped that week: the later stage says everything
 *   it would have said.
 * - A unit is due for a stage when its state is `missing` or `invalid` (a unit that sent a
 *   usable sheet, or whose projects a co-lead unit reported, is never reminded), the stage is
 *   the latest one of the ladder whose moment has come, `moment ≤ now < moment + 24 h` (a
 *   service that was down does not send stale reminders), and it was not sent already.
 *   Sending only the latest stage reached means that a reminder that could not go out in time
 *   is replaced by the next one, never sent after it ("please send by 18:00 today" at 18:30).
 * - The tone follows from the stage, whatever its id: addressed to the unit (or its head) and
 *   to no leader, it is a reminder before the deadline (【提醒】) and an overdue notice after it
 *   (【逾期】); addressed to anyone else, it reports the unit (【督办】).
 */
import { renderHtml, renderText, type Block } from './mail-body';
import type { Audience, Person, Project, ReminderStage, Schedule, Unit } from '../config/schedule';
import { deadlineOf, isWorkingDay, wallClock, zonedInstant, type Deadline } from './calendar';
import { addDays, formatDateZh, formatMonthDayZh, weekdayZh } from './week';
import type { UnitWeekStatus } from './week-status';
import { reminderKey } from './mail-key';

export type StageTone = 'reminder' | 'overdue' | 'escalation';

/** A stage of the ladder placed in one reporting week. */
export interface StageMoment {
  stage: ReminderStage;
  week: string;
  /** The deadline day plus the stage's offset, before any move. */
  nominalDay: string;
  /** The day it goes out (a working day unless remindOnNonWorkingDays). */
  day: string;
  at: Date;
  /** True when moved off a non-working day. */
  moved: boolean;
  /** 'overtaken': moved past another stage of the ladder, so not sent this week. */
  skipped: 'overtaken' | null;
  tone: StageTone;
}

export interface Ladder {
  week: string;
  deadline: Deadline;
  /** In the schedule's order. */
  stages: StageMoment[];
}

export interface Recipient {
  /** Display name: a unit's name, or a person's title (never a personal name). */
  name: string;
  address: string;
}

export interface ReminderRecipients {
  to: Recipient[];
  cc: Recipient[];
}

/** What a unit sent for the week that could not be used (for the escalation's account). */
export interface RejectedVersion {
  at: Date;
  /** Error codes of the version (errors.ts), most important first. */
  codes: string[];
}

export interface PlannedReminder {
  /** reminder:<week>:<unit>:<stage>: one logical mail, sent at most once. */
  key: string;
  week: string;
  unit: Unit;
  /** The unit's projects (it leads them, alone or with a co-lead unit). */
  projects: Project[];
  state: 'missing' | 'invalid';
  stage: StageMoment;
  recipients: ReminderRecipients;
}

export interface HeldReminder {
  unitId: string;
  stage: string;
  /** no_recipient: every audience of the stage resolved to nobody (e.g. a unit without a head). */
  reason: 'no_recipient';
}

export interface PlanInput {
  schedule: Schedule;
  week: string;
  now: Date;
  /** weekStatus() of the week. */
  units: readonly UnitWeekStatus[];
  /** Stages already sent (remindersSent()). */
  sent: ReadonlyArray<{ unitId: string; stage: string }>;
}

export interface Plan {
  ladder: Ladder;
  due: PlannedReminder[];
  held: HeldReminder[];
}

const DAY_MS = 86_400_000;
const LEADER_AUDIENCES: ReadonlySet<Audience> = new Set([
  'responsible_leader',
  'chief_convenor',
  'convenors',
]);

// ---------------------------------------------------------------------------------------------
// When

type CalendarView = Pick<Schedule, 'calendar' | 'cycle' | 'programme'>;

/** `day` moved by `n` working days (n may be negative; 0 = `day` itself). */
export function shiftWorkingDays(day: string, n: number, schedule: CalendarView): string {
  let d = day;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0;) {
    d = addDays(d, step);
    if (isWorkingDay(d, schedule)) left--;
  }
  return d;
}

/** The nearest working day from `day` in a direction (`day` itself when it is one). */
function nearestWorkingDay(day: string, step: 1 | -1, schedule: CalendarView): string {
  let d = day;
  // Bounded: the longest break (Spring Festival) is well under three weeks.
  for (let i = 0; i < 21 && !isWorkingDay(d, schedule); i++) d = addDays(d, step);
  return d;
}

export function toneOf(stage: ReminderStage, at: Date, deadline: Deadline): StageTone {
  const toUnit = stage.to.includes('unit') || stage.to.includes('unit_head');
  const toLeader = stage.to.some((a) => LEADER_AUDIENCES.has(a));
  if (!toUnit || toLeader) return 'escalation';
  return at.getTime() < deadline.at.getTime() ? 'reminder' : 'overdue';
}

/** Where each stage of the ladder falls in a reporting week (see the module comment). */
export function reminderLadder(week: string, schedule: Schedule): Ladder {
  const deadline = deadlineOf(week, schedule);
  const tz = schedule.programme.timezone;
  const placed = schedule.cycle.reminders.map((stage) => {
    const nominalDay = stage.workingDays
      ? shiftWorkingDays(deadline.date, stage.offsetDays, schedule)
      : addDays(deadline.date, stage.offsetDays);
    const nominalAt = zonedInstant(nominalDay, stage.time, tz);
    let day = nominalDay;
    if (!schedule.calendar.remindOnNonWorkingDays && !isWorkingDay(day, schedule)) {
      day = nearestWorkingDay(day, nominalDay < deadline.date ? -1 : 1, schedule);
    }
    return { stage, nominalDay, nominalAt, day, at: zonedInstant(day, stage.time, tz) };
  });
  const stages = placed.map((p): StageMoment => {
    const moved = p.day !== p.nominalDay;
    const forward = p.day > p.nominalDay;
    const overtaken =
      moved &&
      placed.some((o) =>
        o === p
          ? false
          : forward
            ? o.nominalAt.getTime() > p.nominalAt.getTime() && o.at.getTime() <= p.at.getTime()
            : o.nominalAt.getTime() < p.nominalAt.getTime() && o.at.getTime() >= p.at.getTime(),
      );
    return {
      stage: p.stage,
      week,
      nominalDay: p.nominalDay,
      day: p.day,
      at: p.at,
      moved,
      skipped: overtaken ? 'overtaken' : null,
      tone: toneOf(p.stage, p.at, deadline),
    };
  });
  return { week, deadline, stages };
}

// ---------------------------------------------------------------------------------------------
// Who

/** The projects a unit leads (alone or with co-lead units), in the schedule's order. */
export function projectsOfUnit(schedule: Schedule, unitId: string): Project[] {
  return schedule.projects.filter((p) => p.leadUnits.includes(unitId));
}

function audienceRecipients(
  audience: Audience,
  role: 'to' | 'cc',
  unit: Unit,
  projects: readonly Project[],
  schedule: Schedule,
): { to: Recipient[]; cc: Recipient[] } {
  const person = (p: Person): Recipient => ({ name: p.title, address: p.email });
  const own = (list: Recipient[]) => (role === 'to' ? { to: list, cc: [] } : { to: [], cc: list });
  const { people } = schedule;
  switch (audience) {
    case 'unit': {
      // The unit's remind.cc are copied whichever side the unit is on.
      const cc = unit.remind.cc.map((address) => ({ name: unit.name, address }));
      const main = unit.remind.to.map((address) => ({ name: unit.name, address }));
      return role === 'to' ? { to: main, cc } : { to: [], cc: [...main, ...cc] };
    }
    case 'unit_head':
      return own(unit.head ? [person(unit.head)] : []);
    case 'responsible_leader': {
      const ids = new Set(projects.map((p) => p.responsibleLeader));
      return own(people.convenors.filter((c) => ids.has(c.id)).map(person));
    }
    case 'chief_convenor':
      return own([person(people.chiefConvenor)]);
    case 'convenors':
      return own(people.convenors.map(person));
    case 'office':
      return own(people.office.map(person));
  }
}

/**
 * The addresses a stage goes to for a unit, each once (an address in "to" is not copied again).
 * When "to" resolves to nobody but "cc" does not, the copies become the addressees.
 */
export function recipientsFor(
  stage: ReminderStage,
  unit: Unit,
  schedule: Schedule,
): ReminderRecipients {
  const projects = projectsOfUnit(schedule, unit.id);
  const to: Recipient[] = [];
  const cc: Recipient[] = [];
  const seen = new Set<string>();
  const add = (list: Recipient[], r: Recipient) => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    list.push(r);
  };
  const parts = [
    ...stage.to.map((a) => audienceRecipients(a, 'to', unit, projects, schedule)),
    ...stage.cc.map((a) => audienceRecipients(a, 'cc', unit, projects, schedule)),
  ];
  for (const p of parts) for (const r of p.to) add(to, r);
  for (const p of parts) for (const r of p.cc) add(cc, r);
  return to.length === 0 ? { to: cc, cc: [] } : { to, cc };
}

// ---------------------------------------------------------------------------------------------
// Due now

/** The reminders due at `now` for one week (see the module comment for the rules). */
export function planReminders(input: PlanInput): Plan {
  const { schedule, week, now, units, sent } = input;
  const ladder = reminderLadder(week, schedule);
  const t = now.getTime();
  const live = ladder.stages.filter((s) => s.skipped === null);
  const reached = live.filter((s) => s.at.getTime() <= t);
  const latest = Math.max(...reached.map((s) => s.at.getTime()));
  // Every stage tied at the latest moment reached, while it is less than a day old.
  const current = reached.filter((s) => s.at.getTime() === latest && t < latest + DAY_MS);
  const due: PlannedReminder[] = [];
  const held: HeldReminder[] = [];
  if (current.length === 0) return { ladder, due, held };

  for (const status of units) {
    if (status.state !== 'missing' && status.state !== 'invalid') continue;
    const unit = schedule.units.find((u) => u.id === status.unit);
    if (!unit) continue;
    for (const stage of current) {
      if (sent.some((s) => s.unitId === unit.id && s.stage === stage.stage.id)) continue;
      const recipients = recipientsFor(stage.stage, unit, schedule);
      if (recipients.to.length === 0) {
        held.push({ unitId: unit.id, stage: stage.stage.id, reason: 'no_recipient' });
        continue;
      }
      due.push({
        key: reminderKey(week, unit.id, stage.stage.id),
        week,
        unit,
        projects: projectsOfUnit(schedule, unit.id),
        state: status.state,
        stage,
        recipients,
      });
    }
  }
  return { ladder, due, held };
}

// ---------------------------------------------------------------------------------------------
// What it says

export interface ComposeContext {
  schedule: Schedule;
  now: Date;
  /** The ladder of the reminder's week (for the escalation's "reminders sent" and what is next). */
  ladder: Ladder;
  /** Stage ids already sent to this unit for the week. */
  sentStages: readonly string[];
  /** The unit's unusable versions of the week, oldest first. */
  rejected: readonly RejectedVersion[];
  /** The attached template's file name, or null when none is attached. */
  templateFile: string | null;
  /** The week whose answers the attached template carries, or null. */
  previousWeek: string | null;
}

export interface ComposedReminder {
  subject: string;
  text: string;
  html: string;
}

/** Whether a stage's mail carries the unit's template (only mails the unit receives do). */
export function attachesTemplate(stage: ReminderStage): boolean {
  return [...stage.to, ...stage.cc].includes('unit');
}

const TONE_LABEL: Record<StageTone, string> = {
  reminder: '报送提醒',
  overdue: '逾期提醒',
  escalation: '督办通知',
};

/** What an unusable version's first error code means, in a few words. */
const REJECTION_ZH: Record<string, string> = {
  NO_ATTACHMENT: '邮件未附问题清单',
  LEGACY_FORMAT: '附件为旧版Excel（.xls）或WPS表格（.et）格式，无法读取',
  NOT_A_WORKBOOK: '附件不是Excel工作簿（.xlsx）',
  PASSWORD_PROTECTED: '工作簿设置了打开密码，无法读取',
  UNSUPPORTED_FORMAT: '附件为OpenDocument表格（.ods）格式，无法读取',
  CORRUPT_WORKBOOK: '工作簿文件已损坏',
  WORKBOOK_TOO_LARGE: '工作簿内容过大，未读取',
  PARSE_RESOURCE_LIMIT: '工作簿超出处理限制，未能读取',
  NO_WORKSHEET: '工作簿中没有包含内容的工作表',
  NO_HEADER: '表格中未找到问题清单的表头',
  EMPTY_SHEET: '表头下方没有项目内容',
  NOT_FILLED: '所附问题清单尚未填写',
  NO_PROJECT_OF_UNIT: '表中没有本单位牵头的项目',
  MESSAGE_TOO_LARGE: '邮件超过大小限制，未能接收',
};

function rejectionZh(codes: readonly string[]): string {
  for (const code of codes) {
    const text = REJECTION_ZH[code];
    if (text) return text;
  }
  return '所附文件未能读取为问题清单';
}

/** "2021年3月15日（星期一）18:00" in the programme's zone. */
function dateTimeZh(at: Date, tz: string): string {
  const { date, time } = wallClock(at, tz);
  return `${formatDateZh(date)}（${weekdayZh(date)}）${time.slice(0, 5)}`;
}

/** "3月15日（星期一）" (the year left out). */
function shortDateZh(date: string): string {
  return `${formatMonthDayZh(date)}（${weekdayZh(date)}）`;
}

function unitName(schedule: Schedule, id: string): string {
  return schedule.units.find((u) => u.id === id)?.name ?? id;
}

function leaderTitle(schedule: Schedule, project: Project): string {
  return schedule.people.convenors.find((c) => c.id === project.responsibleLeader)?.title ?? '';
}

/** One line per project; a co-lead project says that either unit's sheet counts. */
function projectLines(r: PlannedReminder, schedule: Schedule, withLeader: boolean): string[] {
  return r.projects.map((p) => {
    const notes: string[] = [];
    if (withLeader) {
      const leader = leaderTitle(schedule, p);
      if (leader) notes.push(`项目负责领导：${leader}`);
    }
    const others = p.leadUnits.filter((u) => u !== r.unit.id).map((u) => unitName(schedule, u));
    if (others.length > 0) {
      notes.push(
        withLeader
          ? `与${others.join('、')}共同牵头`
          : `与${others.join('、')}共同牵头，任一单位报送即可`,
      );
    }
    return notes.length ? `${p.name}（${notes.join('；')}）` : p.name;
  });
}

/** What the unit sent this week that could not be used, one line per version. */
function rejectedLines(rejected: readonly RejectedVersion[], tz: string): string[] {
  return rejected.map((v) => `${dateTimeZh(v.at, tz)}发送的邮件未能使用：${rejectionZh(v.codes)}`);
}

function closing(schedule: Schedule, now: Date, contact: boolean): Block[] {
  const { signature, timezone } = schedule.programme;
  return [
    {
      type: 'para',
      lines: [
        contact
          ? `本邮件由系统自动发送。如有疑问，请与${signature}联系。`
          : '本邮件由系统自动发送。',
      ],
    },
    { type: 'para', lines: [signature, formatDateZh(wallClock(now, timezone).date)] },
  ];
}

function templateBlock(ctx: ComposeContext): Block[] {
  if (!ctx.templateFile) return [];
  const withPrevious = ctx.previousWeek
    ? `，以及你单位${formatDateZh(ctx.previousWeek)}当周报送的内容，请在此基础上核对、更新`
    : '，可直接在其中填写';
  return [
    {
      type: 'para',
      lines: [
        `本邮件附有你单位本周的问题清单“${ctx.templateFile}”，已预填项目名称、攻坚目标和完成时限${withPrevious}。`,
      ],
    },
  ];
}

/** The next escalation stage after `stage` in the ladder, if any (for the overdue notice). */
function nextEscalation(ladder: Ladder, stage: StageMoment): StageMoment | null {
  const later = ladder.stages
    .filter(
      (s) => s.skipped === null && s.tone === 'escalation' && s.at.getTime() > stage.at.getTime(),
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return later[0] ?? null;
}

/** The mail of a planned reminder: formal zh-CN, saying precisely what is missing. */
export function composeReminder(r: PlannedReminder, ctx: ComposeContext): ComposedReminder {
  const { schedule, now } = ctx;
  const tz = schedule.programme.timezone;
  const { deadline } = ctx.ladder;
  const week = `${formatDateZh(r.week)}当周`;
  const deadlineFull = dateTimeZh(deadline.at, tz);
  const deadlineTime = wallClock(deadline.at, tz).time.slice(0, 5);
  const mailbox = schedule.programme.mailbox;
  const stage = r.stage;

  if (stage.tone === 'escalation') {
    const subject = `【督办】${r.unit.name}未按时报送${week}问题清单`;
    const addressees = [...new Set(r.recipients.to.map((p) => p.name))];
    const sentLines = ctx.ladder.stages
      .filter((s) => ctx.sentStages.includes(s.stage.id))
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((s) => `${dateTimeZh(s.at, tz)} ${TONE_LABEL[s.tone]}`);
    const blocks: Block[] = [
      { type: 'para', lines: [`${addressees.join('、')}：`] },
      {
        type: 'para',
        lines: [
          `${r.unit.name}未按时报送${week}问题清单。报送截止时间为${deadlineFull}，截至${dateTimeZh(stage.at, tz)}，仍未收到该单位可用的问题清单。`,
        ],
      },
      { type: 'list', title: '涉及项目：', items: projectLines(r, schedule, true) },
      {
        type: 'list',
        title: '报送情况：',
        items:
          r.state === 'invalid' && ctx.rejected.length > 0
            ? [
                ...rejectedLines(ctx.rejected, tz),
                `系统${ctx.rejected.length > 1 ? '均' : ''}已当即回复该单位，说明需修改之处；此后未收到可用的问题清单。`,
              ]
            : ['本周未收到该单位发送的问题清单。'],
      },
      ...(sentLines.length
        ? [{ type: 'list' as const, title: '已向该单位发送：', items: sentLines }]
        : []),
      { type: 'para', lines: ['请督促该单位尽快报送。'] },
      ...closing(schedule, now, true),
    ];
    return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
  }

  const situation =
    r.state === 'invalid' && ctx.rejected.length > 0
      ? `你单位${rejectedLines(ctx.rejected, tz).join('；')}。本周报送尚未完成。`
      : '目前尚未收到你单位报送的问题清单。';
  let subject: string;
  let opening: string[];
  if (stage.tone === 'reminder') {
    const by = stage.day === deadline.date ? '今日' : shortDateZh(deadline.date);
    subject = `【提醒】请于${by}${deadlineTime}前报送${week}问题清单`;
    opening = [`${week}问题清单的报送截止时间为${deadlineFull}，${situation}`];
  } else {
    subject = `【逾期】请尽快报送${week}问题清单（截止时间${formatMonthDayZh(deadline.date)}${deadlineTime}已过）`;
    const next = nextEscalation(ctx.ladder, stage);
    opening = [
      `${week}问题清单的报送截止时间为${deadlineFull}，现已逾期。${situation}请尽快报送。`,
      ...(next ? [`截至${dateTimeZh(next.at, tz)}仍未报送的，将报项目负责领导督办。`] : []),
    ];
  }
  const blocks: Block[] = [
    { type: 'para', lines: [`${r.unit.name}：`] },
    { type: 'para', lines: opening },
    { type: 'list', title: '需报送的项目：', items: projectLines(r, schedule, false) },
    {
      type: 'para',
      lines: [
        `请填写问题清单，经项目负责领导审阅后，将Excel工作簿（.xlsx）作为附件发送至${mailbox}。系统收到后将自动回复。`,
      ],
    },
    ...templateBlock(ctx),
    {
      type: 'para',
      lines: [`如你单位已发送但未收到系统回复，请与${schedule.programme.signature}联系。`],
    },
    ...closing(schedule, now, false),
  ];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

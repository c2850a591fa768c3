/**
 * The reminder ladder, pure: when each stage falls (holidays, make-up days, weekends), who is due
 * at a given moment, to whom it goes, and what it says. Fixed clocks throughout.
 */
import type { Schedule } from '../../src/config/schedule';
import { isoWithOffset } from '../../src/domain/calendar';
import {
  composeReminder,
  planReminders,
  recipientsFor,
  reminderLadder,
  type PlannedReminder,
  type RejectedVersion,
} from '../../src/domain/reminders';
import type { UnitWeekStatus } from '../../src/domain/week-status';
import { exampleSchedule } from '../helpers/sheets';

const TZ = 'Asia/Shanghai';
const at = (iso: string): Date => new Date(iso);
const show = (d: Date): string => isoWithOffset(d, TZ);

function states(
  schedule: Schedule,
  overrides: Record<string, Partial<UnitWeekStatus>> = {},
): UnitWeekStatus[] {
  const leading = new Set(schedule.projects.flatMap((p) => p.leadUnits));
  return schedule.units
    .filter((u) => leading.has(u.id))
    .map((u) => ({
      unit: u.id,
      state: 'missing' as const,
      submittedAt: null,
      submissionId: null,
      coveredBy: null,
      afterDigest: false,
      ...overrides[u.id],
    }));
}

function variant(base: Schedule, change: (s: Schedule) => void): Schedule {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('the ladder of a week', () => {
  it('puts morning and overdue on the deadline day and escalation on the next working day', async () => {
    const schedule = await exampleSchedule();
    const ladder = reminderLadder('2021-03-15', schedule);
    expect(ladder.stages.map((s) => [s.stage.id, show(s.at), s.tone, s.skipped])).toEqual([
      ['morning', '2021-03-15T09:00:00+08:00', 'reminder', null],
      ['overdue', '2021-03-15T18:30:00+08:00', 'overdue', null],
      ['escalation', '2021-03-16T09:00:00+08:00', 'escalation', null],
    ]);
  });

  it('follows the deadline off the Qingming holiday: Tuesday 2021-04-06, not Monday', async () => {
    const schedule = await exampleSchedule();
    const ladder = reminderLadder('2021-04-05', schedule);
    expect(ladder.deadline.date).toBe('2021-04-06');
    expect(ladder.stages.map((s) => show(s.at))).toEqual([
      '2021-04-06T09:00:00+08:00',
      '2021-04-06T18:30:00+08:00',
      '2021-04-07T09:00:00+08:00',
    ]);
  });

  it('counts working days over a weekend and a make-up working day (调休)', async () => {
    const base = await exampleSchedule();
    // Deadline on Friday: the escalation one working day later is Monday …
    const friday = variant(base, (s) => (s.cycle.deadline.weekday = 'friday'));
    expect(show(reminderLadder('2021-03-15', friday).stages[2]?.at ?? at('x'))).toBe(
      '2021-03-22T09:00:00+08:00',
    );
    // … but Friday 2021-04-23 is followed by the make-up working day Sunday 2021-04-25.
    expect(show(reminderLadder('2021-04-19', friday).stages[2]?.at ?? at('x'))).toBe(
      '2021-04-25T09:00:00+08:00',
    );
  });

  it('moves a stage off a weekend to the next working day when counted in calendar days', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => {
      s.cycle.deadline.weekday = 'friday';
      const escalation = s.cycle.reminders[2];
      if (escalation) escalation.workingDays = false; // Friday + 1 day = Saturday
    });
    const stage = reminderLadder('2021-03-15', schedule).stages[2];
    expect(stage).toMatchObject({ nominalDay: '2021-03-20', day: '2021-03-22', moved: true });
    expect(stage?.skipped).toBeNull();
  });

  it('keeps a stage on a non-working day when remind_on_non_working_days is true', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => {
      s.cycle.deadline.weekday = 'friday';
      const escalation = s.cycle.reminders[2];
      if (escalation) escalation.workingDays = false;
      s.calendar.remindOnNonWorkingDays = true;
    });
    const stage = reminderLadder('2021-03-15', schedule).stages[2];
    expect(stage).toMatchObject({ day: '2021-03-20', moved: false, skipped: null });
  });

  it('moves a stage before the deadline back, so it stays before the deadline', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) =>
      s.cycle.reminders.unshift({
        id: 'eve',
        offsetDays: -1,
        workingDays: false,
        time: '16:00',
        to: ['unit'],
        cc: [],
      }),
    );
    // Monday 2021-03-15 minus one day is Sunday: the reminder goes on Friday 2021-03-12.
    const eve = reminderLadder('2021-03-15', schedule).stages[0];
    expect(eve).toMatchObject({ nominalDay: '2021-03-14', day: '2021-03-12', tone: 'reminder' });
  });

  it('with on_holiday: keep, skips the stages of a holiday deadline day that the escalation overtakes', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => (s.cycle.onHoliday = 'keep'));
    const ladder = reminderLadder('2021-04-05', schedule);
    expect(ladder.deadline.date).toBe('2021-04-05');
    expect(ladder.stages.map((s) => [s.stage.id, s.day, s.moved, s.skipped])).toEqual([
      ['morning', '2021-04-06', true, 'overtaken'],
      ['overdue', '2021-04-06', true, 'overtaken'],
      ['escalation', '2021-04-06', false, null],
    ]);
  });

  it('takes the tone from the audiences and the deadline, whatever the stage is called', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => {
      s.cycle.reminders = [
        { id: 'a', offsetDays: 0, workingDays: false, time: '08:00', to: ['unit_head'], cc: [] },
        { id: 'b', offsetDays: 0, workingDays: false, time: '20:00', to: ['unit'], cc: [] },
        { id: 'c', offsetDays: 0, workingDays: false, time: '21:00', to: ['office'], cc: [] },
        {
          id: 'd',
          offsetDays: 1,
          workingDays: true,
          time: '10:00',
          to: ['unit', 'chief_convenor'],
          cc: [],
        },
      ];
    });
    expect(reminderLadder('2021-03-15', schedule).stages.map((s) => s.tone)).toEqual([
      'reminder',
      'overdue',
      'escalation',
      'escalation',
    ]);
  });
});

describe('who is due now', () => {
  const plan = async (
    now: string,
    overrides = {},
    sent: Array<{ unitId: string; stage: string }> = [],
  ) => {
    const schedule = await exampleSchedule();
    return planReminders({
      schedule,
      week: '2021-03-15',
      now: at(now),
      units: states(schedule, overrides),
      sent,
    });
  };
  const due = (p: Awaited<ReturnType<typeof plan>>) =>
    p.due.map((r) => `${r.unit.id}:${r.stage.stage.id}`);

  it('is nobody before the first stage, and each missing unit from its moment on', async () => {
    expect(due(await plan('2021-03-15T00:59:59Z'))).toEqual([]);
    expect(due(await plan('2021-03-15T01:00:00Z'))).toEqual([
      'jiaoyu:morning',
      'weijian:morning',
      'jiaotong:morning',
      'xincheng:morning',
      'nongshui:morning',
    ]);
  });

  it('leaves out units that sent a usable sheet, or whose co-lead unit did; keeps invalid ones', async () => {
    const p = await plan('2021-03-15T01:05:00Z', {
      jiaoyu: { state: 'on_time' },
      jiaotong: { state: 'on_time' },
      xincheng: { state: 'on_time', coveredBy: 'jiaotong' },
      weijian: { state: 'invalid', submittedAt: at('2021-03-15T02:02:00Z') },
    });
    expect(due(p)).toEqual(['weijian:morning', 'nongshui:morning']);
    expect(p.due[0]?.state).toBe('invalid');
  });

  it('sends a stage once: a stage already sent is not due again', async () => {
    const p = await plan('2021-03-15T03:00:00Z', {}, [
      { unitId: 'jiaoyu', stage: 'morning' },
      { unitId: 'nongshui', stage: 'morning' },
    ]);
    expect(due(p)).toEqual(['weijian:morning', 'jiaotong:morning', 'xincheng:morning']);
  });

  it('sends only the latest stage reached: a morning reminder never goes out after the deadline', async () => {
    expect(due(await plan('2021-03-15T10:45:00Z'))).toEqual([
      'jiaoyu:overdue',
      'weijian:overdue',
      'jiaotong:overdue',
      'xincheng:overdue',
      'nongshui:overdue',
    ]);
    // The overdue notice went out; the unsent morning reminder stays unsent.
    const sent = ['jiaoyu', 'weijian', 'jiaotong', 'xincheng', 'nongshui'].map((unitId) => ({
      unitId,
      stage: 'overdue',
    }));
    expect(due(await plan('2021-03-15T12:00:00Z', {}, sent))).toEqual([]);
  });

  it('does not send a stage more than 24 hours old (a service that was down)', async () => {
    // The escalation of 2021-03-16 09:00 is the latest stage until 2021-03-17 09:00.
    expect(due(await plan('2021-03-17T00:59:59Z'))).toHaveLength(5);
    expect(due(await plan('2021-03-17T01:00:00Z'))).toEqual([]);
    expect(due(await plan('2021-03-25T01:00:00Z'))).toEqual([]);
  });

  it('sends nothing on the Qingming Monday; the morning reminder goes on Tuesday', async () => {
    const schedule = await exampleSchedule();
    const p = (now: string) =>
      planReminders({
        schedule,
        week: '2021-04-05',
        now: at(now),
        units: states(schedule),
        sent: [],
      });
    expect(p('2021-04-05T01:00:00Z').due).toEqual([]);
    expect(p('2021-04-05T10:30:00Z').due).toEqual([]);
    expect(p('2021-04-06T01:00:00Z').due.map((r) => r.stage.stage.id)).toEqual(
      Array(5).fill('morning'),
    );
  });
});

describe('recipients', () => {
  it('resolves the audiences: unit, its head, the responsible convenor and the office', async () => {
    const schedule = await exampleSchedule();
    const unit = schedule.units.find((u) => u.id === 'xincheng');
    if (!unit) throw new Error('no unit');
    const [morning, overdue, escalation] = schedule.cycle.reminders;
    if (!morning || !overdue || !escalation) throw new Error('no ladder');
    expect(recipientsFor(morning, unit, schedule)).toEqual({
      to: [{ name: '新城投资公司', address: 'xincheng@example.cn' }],
      cc: [],
    });
    expect(recipientsFor(overdue, unit, schedule)).toEqual({
      to: [{ name: '新城投资公司', address: 'xincheng@example.cn' }],
      cc: [{ name: '新城投资公司执行董事', address: 'xincheng-head@example.cn' }],
    });
    expect(recipientsFor(escalation, unit, schedule)).toEqual({
      to: [{ name: '召集人（区政府副区长）', address: 'convenor-3@example.cn' }],
      cc: [
        { name: '办公室主任', address: 'office@example.cn' },
        { name: '办公室工作人员', address: 'office-staff@example.cn' },
      ],
    });
  });

  it('copies remind.cc, sends each address once, and promotes copies when "to" is nobody', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => {
      const unit = s.units.find((u) => u.id === 'jiaoyu');
      if (!unit) return;
      unit.remind.cc = ['jiaoyu-office@example.cn', 'office@example.cn'];
      unit.head = null;
    });
    const unit = schedule.units.find((u) => u.id === 'jiaoyu');
    if (!unit) throw new Error('no unit');
    const stage = {
      id: 'x',
      offsetDays: 0,
      workingDays: false,
      time: '09:00',
      to: ['unit' as const],
      cc: ['office' as const],
    };
    expect(recipientsFor(stage, unit, schedule).cc.map((r) => r.address)).toEqual([
      'jiaoyu-office@example.cn',
      'office@example.cn',
      'office-staff@example.cn',
    ]);
    const toHead = { ...stage, to: ['unit_head' as const], cc: ['office' as const] };
    expect(recipientsFor(toHead, unit, schedule)).toMatchObject({
      to: [{ address: 'office@example.cn' }, { address: 'office-staff@example.cn' }],
      cc: [],
    });
  });

  it('holds a stage whose audiences are all nobody', async () => {
    const base = await exampleSchedule();
    const schedule = variant(base, (s) => {
      for (const u of s.units) u.head = null;
      s.cycle.reminders = [
        { id: 'head', offsetDays: 0, workingDays: false, time: '09:00', to: ['unit_head'], cc: [] },
      ];
    });
    const p = planReminders({
      schedule,
      week: '2021-03-15',
      now: at('2021-03-15T01:00:00Z'),
      units: states(schedule),
      sent: [],
    });
    expect(p.due).toEqual([]);
    expect(p.held).toContainEqual({ unitId: 'jiaoyu', stage: 'head', reason: 'no_recipient' });
  });
});

describe('what the mails say', () => {
  async function compose(
    now: string,
    unitId: string,
    opts: {
      state?: 'missing' | 'invalid';
      rejected?: RejectedVersion[];
      sentStages?: string[];
    } = {},
  ) {
    const schedule = await exampleSchedule();
    const p = planReminders({
      schedule,
      week: '2021-03-15',
      now: at(now),
      units: states(schedule, { [unitId]: { state: opts.state ?? 'missing' } }),
      sent: [],
    });
    const r = p.due.find((d) => d.unit.id === unitId) as PlannedReminder;
    return {
      r,
      mail: composeReminder(r, {
        schedule,
        now: at(now),
        ladder: p.ladder,
        sentStages: opts.sentStages ?? [],
        rejected: opts.rejected ?? [],
        templateFile: r.stage.tone === 'escalation' ? null : `问题清单-${unitId}-2021-03-15.xlsx`,
        previousWeek: '2021-03-08',
      }),
    };
  }

  it('the morning reminder names the week, the deadline and the project, with the template', async () => {
    const { r, mail } = await compose('2021-03-15T01:00:00Z', 'jiaoyu');
    expect(r.key).toBe('reminder:2021-03-15:jiaoyu:morning');
    expect(mail.subject).toBe('【提醒】请于今日18:00前报送2021年3月15日当周问题清单');
    expect(mail.text).toContain('区教育局：');
    expect(mail.text).toContain(
      '2021年3月15日当周问题清单的报送截止时间为2021年3月15日（星期一）18:00，目前尚未收到你单位报送的问题清单。',
    );
    expect(mail.text).toContain('需报送的项目：\n- 锦川实验小学项目');
    expect(mail.text).toContain('发送至duban-inbox@example.cn');
    expect(mail.text).toContain(
      '本邮件附有你单位本周的问题清单“问题清单-jiaoyu-2021-03-15.xlsx”，已预填项目名称、攻坚目标和完成时限，以及你单位2021年3月8日当周报送的内容，请在此基础上核对、更新。',
    );
    expect(
      mail.text.trimEnd().endsWith('本邮件由系统自动发送。\n\n联合会议办公室\n2021年3月15日'),
    ).toBe(true);
    expect(mail.html).toContain('<p>区教育局：</p>');
  });

  it('a co-lead unit is told that either unit’s sheet counts', async () => {
    const { mail } = await compose('2021-03-15T01:00:00Z', 'xincheng');
    expect(mail.text).toContain(
      '- 泉港高铁站前广场及配套工程（与区交通运输局共同牵头，任一单位报送即可）',
    );
  });

  it('the overdue notice says the deadline passed and when the escalation comes', async () => {
    const { r, mail } = await compose('2021-03-15T10:30:00Z', 'nongshui');
    expect(r.recipients.cc.map((c) => c.address)).toEqual(['nongshui-head@example.cn']);
    expect(mail.subject).toBe(
      '【逾期】请尽快报送2021年3月15日当周问题清单（截止时间3月15日18:00已过）',
    );
    expect(mail.text).toContain(
      '2021年3月15日当周问题清单的报送截止时间为2021年3月15日（星期一）18:00，现已逾期。目前尚未收到你单位报送的问题清单。请尽快报送。',
    );
    expect(mail.text).toContain(
      '截至2021年3月16日（星期二）09:00仍未报送的，将报项目负责领导督办。',
    );
  });

  it('a unit that sent only an unusable file is told what was wrong with it', async () => {
    const { mail } = await compose('2021-03-15T01:00:00Z', 'weijian', {
      state: 'invalid',
      rejected: [{ at: at('2021-03-15T02:02:00Z'), codes: ['LEGACY_FORMAT'] }],
    });
    expect(mail.text).toContain(
      '你单位2021年3月15日（星期一）10:02发送的邮件未能使用：附件为旧版Excel（.xls）或WPS表格（.et）格式，无法读取。本周报送尚未完成。',
    );
  });

  it('the escalation names the unit, its project and leader, what was sent and when', async () => {
    const { r, mail } = await compose('2021-03-16T01:00:00Z', 'weijian', {
      state: 'invalid',
      rejected: [{ at: at('2021-03-15T02:02:00Z'), codes: ['LEGACY_FORMAT'] }],
      sentStages: ['morning', 'overdue'],
    });
    expect(r.recipients.to.map((a) => a.address)).toEqual(['convenor-2@example.cn']);
    expect(mail.subject).toBe('【督办】区卫健局未按时报送2021年3月15日当周问题清单');
    expect(mail.text).toContain('召集人（区政府副区长）：');
    expect(mail.text).toContain(
      '区卫健局未按时报送2021年3月15日当周问题清单。报送截止时间为2021年3月15日（星期一）18:00，截至2021年3月16日（星期二）09:00，仍未收到该单位可用的问题清单。',
    );
    expect(mail.text).toContain(
      '涉及项目：\n- 泉港医院病房大楼2#楼及附属配套设施项目（项目负责领导：召集人（区政府副区长））',
    );
    expect(mail.text).toContain(
      '报送情况：\n- 2021年3月15日（星期一）10:02发送的邮件未能使用：附件为旧版Excel（.xls）或WPS表格（.et）格式，无法读取',
    );
    expect(mail.text).toContain(
      '已向该单位发送：\n- 2021年3月15日（星期一）09:00 报送提醒\n- 2021年3月15日（星期一）18:30 逾期提醒',
    );
    expect(mail.text).not.toContain('附有');
  });

  it('the escalation of a unit that sent nothing says so', async () => {
    const { mail } = await compose('2021-03-16T01:00:00Z', 'nongshui');
    expect(mail.text).toContain('报送情况：\n- 本周未收到该单位发送的问题清单。');
    expect(mail.text).toContain(
      '泉港坝头溪流域综合整治项目（项目负责领导：召集人（区政府四级调研员））',
    );
  });
});

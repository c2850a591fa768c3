import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadScheduleFile, type ScheduleResult } from '../../src/config/load-schedule';
import type { Schedule } from '../../src/config/schedule';
import { leadUnits } from '../../src/domain/week-status';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'config/schedule.example.yaml');
const FIXTURES = path.join(ROOT, 'test/fixtures/schedules');

function expectOk(result: ScheduleResult): Schedule {
  if (!result.ok)
    throw new Error(`expected a valid schedule, got:\n${JSON.stringify(result.errors, null, 2)}`);
  return result.schedule;
}

describe('the example schedule (config/schedule.example.yaml)', () => {
  let schedule: Schedule;
  let warnings: unknown[];
  beforeAll(async () => {
    const result = await loadScheduleFile(EXAMPLE);
    schedule = expectOk(result);
    warnings = result.warnings;
  });

  it('loads without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('points editors at the JSON Schema on its first line', () => {
    const firstLine = fs.readFileSync(EXAMPLE, 'utf8').split('\n')[0];
    expect(firstLine).toBe('# yaml-language-server: $schema=./schedule.schema.json');
  });

  it('describes the programme of the notice', () => {
    expect(schedule.version).toBe(1);
    expect(schedule.programme).toEqual({
      name: '2021年第一批“难硬重新”重点项目突破攻坚',
      timezone: 'Asia/Shanghai',
      activeFrom: '2021-03-10',
      activeTo: '2021-12-31',
      mailbox: 'duban-inbox@example.cn',
      signature: '联合会议办公室',
    });
  });

  it('lists people by role: a chief convenor, four convenors and an office with an admin', () => {
    expect(schedule.people.chiefConvenor).toEqual({
      id: 'chief',
      title: expect.stringContaining('总召集人'),
      email: 'chief@example.cn',
    });
    expect(schedule.people.convenors.map((c) => c.id)).toEqual([
      'convenor-1',
      'convenor-2',
      'convenor-3',
      'convenor-4',
    ]);
    expect(schedule.people.convenors.map((c) => c.email)).toEqual([
      'convenor-1@example.cn',
      'convenor-2@example.cn',
      'convenor-3@example.cn',
      'convenor-4@example.cn',
    ]);
    expect(schedule.people.office.some((m) => m.admin)).toBe(true);
  });

  it('names the supervision office (督查室), which receives red supervision notices', () => {
    expect(schedule.people.supervision).toEqual([
      { id: 'supervision', title: '区政府督查室', email: 'supervision@example.cn' },
    ]);
  });

  it('has the five lead units and three member units that lead no project', () => {
    expect(schedule.units.map((u) => [u.id, u.name, u.aliases, u.addresses])).toEqual([
      ['jiaoyu', '区教育局', ['教育局'], ['jiaoyu@example.cn']],
      ['weijian', '区卫健局', ['卫健局'], ['weijian@example.cn']],
      ['jiaotong', '区交通运输局', ['交通运输局'], ['jiaotong@example.cn']],
      ['xincheng', '新城投资公司', [], ['xincheng@example.cn']],
      ['nongshui', '区农水局', ['农水局'], ['nongshui@example.cn']],
      ['caizheng', '区财政局', ['财政局'], ['caizheng@example.cn']],
      ['ziran', '区自然资源局', ['自然资源局'], ['ziran@example.cn']],
      ['zhujian', '区住建局', ['住建局'], ['zhujian@example.cn']],
    ]);
    // Only lead units are expected to send the weekly sheet.
    expect(leadUnits(schedule).map((u) => u.id)).toEqual([
      'jiaoyu',
      'weijian',
      'jiaotong',
      'xincheng',
      'nongshui',
    ]);
    const jiaoyu = schedule.units[0];
    expect(jiaoyu?.remind).toEqual({ to: ['jiaoyu@example.cn'], cc: [] });
    expect(jiaoyu?.head).toEqual({
      id: 'jiaoyu-head',
      title: '区教育局局长',
      email: 'jiaoyu-head@example.cn',
    });
  });

  it('has the four projects of the notice, in order, with their lead units and leaders', () => {
    expect(schedule.projects.map((p) => [p.id, p.name, p.leadUnits, p.responsibleLeader])).toEqual([
      ['p1', '锦川实验小学项目', ['jiaoyu'], 'convenor-1'],
      ['p2', '泉港医院病房大楼2#楼及附属配套设施项目', ['weijian'], 'convenor-2'],
      ['p3', '泉港高铁站前广场及配套工程', ['jiaotong', 'xincheng'], 'convenor-3'],
      ['p4', '泉港坝头溪流域综合整治项目', ['nongshui'], 'convenor-4'],
    ]);
    expect(schedule.projects[3]?.aliases).toEqual(['泉港坝头流域综合整治项目']);
  });

  it('has the targets and due dates of the notice', () => {
    const targets = schedule.projects.map((p) => p.targets.map((t) => `${t.due} ${t.text}`));
    expect(targets).toEqual([
      ['2021-02-25 完成项目工程量清算', '2021-03-30 完成重新招投标', '2021-03-31 项目重新开工'],
      [
        '2021-02-25 完成对额外新增工程建设事项的辨别、剔除工作',
        '2021-03-30 同步组织人力、机械进场施工',
        '2021-03-31 完成主体结构外装修，项目竣工',
      ],
      [
        '2021-03-25 完成项目设计、预算、招投标',
        '2021-03-18 完成征地拆迁扫尾工作',
        '2021-03-18 解决好因施工震动引起的群众阻工问题',
        '2021-03-31 加速施工，完成场地平整',
      ],
      [
        '2021-03-18 完成项目用地征迁扫尾工作',
        '2021-03-25 完成最后2公里截污工程施工任务',
        '2021-03-18 完成移杆迁线施工扫尾工作',
        '2021-03-31 加速施工，确保项目基本竣工',
      ],
    ]);
  });

  it('has the weekly cycle: Monday 18:00, the default reminder ladder, a Tuesday digest', () => {
    expect(schedule.cycle).toEqual({
      deadline: { weekday: 'monday', time: '18:00' },
      onHoliday: 'next_working_day',
      lateWindowWorkingDays: 1,
      reminders: [
        { id: 'morning', offsetDays: 0, workingDays: false, time: '09:00', to: ['unit'], cc: [] },
        {
          id: 'overdue',
          offsetDays: 0,
          workingDays: false,
          time: '18:30',
          to: ['unit'],
          cc: ['unit_head'],
        },
        {
          id: 'escalation',
          offsetDays: 1,
          workingDays: true,
          time: '09:00',
          to: ['responsible_leader'],
          cc: ['office'],
        },
      ],
      digest: {
        weekday: 'tuesday',
        time: '08:00',
        to: ['chief_convenor', 'convenors'],
        cc: ['office'],
      },
    });
  });

  it('expands the 2021 holiday ranges into single dates and keeps the make-up workdays', () => {
    expect(schedule.calendar.remindOnNonWorkingDays).toBe(false);
    const y2021 = schedule.calendar.years.find((y) => y.year === 2021);
    expect(y2021).toBeDefined();
    expect(y2021?.holidays).toContain('2021-02-11');
    expect(y2021?.holidays).toContain('2021-02-14');
    expect(y2021?.holidays).toContain('2021-04-05');
    expect(y2021?.holidays).not.toContain('2021-02-18');
    expect(y2021?.holidays).toHaveLength(31);
    expect(y2021?.workdays).toEqual([
      '2021-02-07',
      '2021-02-20',
      '2021-04-25',
      '2021-05-08',
      '2021-09-18',
      '2021-09-26',
      '2021-10-09',
    ]);
  });

  it('follows up agreed items with the default thresholds and gives no score', () => {
    expect(schedule.followUp).toEqual({
      blueWorkingDays: 3,
      yellowWeeksWithoutProgress: 2,
      time: '09:00',
      departmentMail: false,
    });
    expect(schedule.assessment).toEqual({ weights: null });
  });

  it('shows the follow-up defaults and a weights example in comments that load as written', async () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const uncommented = text.replace(/^# (follow_up:|assessment:| {2}.*)$/gm, '$1');
    expect(uncommented).not.toBe(text);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-example-'));
    const file = path.join(dir, 'schedule.yaml');
    fs.writeFileSync(file, uncommented);
    const loaded = expectOk(await loadScheduleFile(file));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(loaded.followUp).toEqual(schedule.followUp);
    expect(loaded.assessment.weights).toEqual({
      onTime: 2,
      late: -1,
      missing: -5,
      itemsClosedOnTime: 3,
      itemsOverdue: -3,
      noticesRed: -5,
    });
  });

  it('uses only placeholder addresses', () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const addresses = text.match(/[\w.+-]+@[\w.-]+/g) ?? [];
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(a).toMatch(/@example\.(cn|org)$/);
  });
});

describe('defaults', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = expectOk(await loadScheduleFile(path.join(FIXTURES, 'minimal.yaml')));
  });

  it('fill the time zone, the open end, the version and the calendar switch', () => {
    expect(schedule.version).toBe(1);
    expect(schedule.programme.timezone).toBe('Asia/Shanghai');
    expect(schedule.programme.activeTo).toBeNull();
    expect(schedule.calendar.remindOnNonWorkingDays).toBe(false);
    expect(schedule.calendar.years).toEqual([{ year: 2021, holidays: [], workdays: [] }]);
  });

  it('lower-case addresses and send reminders to the unit addresses unless told otherwise', () => {
    expect(schedule.programme.mailbox).toBe('duban-inbox@example.cn');
    const [jiaoyu, weijian] = schedule.units;
    expect(jiaoyu?.addresses).toEqual(['jiaoyu@example.cn', 'jiaoyu-2@example.cn']);
    expect(jiaoyu?.remind).toEqual({
      to: ['jiaoyu@example.cn', 'jiaoyu-2@example.cn'],
      cc: ['jiaoyu-office@example.cn'],
    });
    expect(jiaoyu?.aliases).toEqual([]);
    expect(jiaoyu?.head).toBeNull();
    expect(weijian?.remind).toEqual({ to: ['weijian@example.cn'], cc: [] });
    expect(weijian?.head).toEqual({
      id: 'weijian-head',
      title: '区卫健局局长',
      email: 'weijian-head@example.cn',
    });
  });

  it('give the holiday rule, the reminder ladder and the digest of the brief', () => {
    expect(schedule.cycle.onHoliday).toBe('next_working_day');
    expect(
      schedule.cycle.reminders.map((r) => [r.id, r.offsetDays, r.workingDays, r.time]),
    ).toEqual([
      ['morning', 0, false, '09:00'],
      ['overdue', 0, false, '18:30'],
      ['escalation', 1, true, '09:00'],
    ]);
    expect(schedule.cycle.digest).toEqual({
      weekday: 'tuesday',
      time: '08:00',
      to: ['chief_convenor', 'convenors'],
      cc: ['office'],
    });
  });

  it('leave out the supervision office, follow up with the issue’s thresholds, and give no score', () => {
    expect(schedule.people.supervision).toEqual([]);
    expect(schedule.followUp).toEqual({
      blueWorkingDays: 3,
      yellowWeeksWithoutProgress: 2,
      time: '09:00',
      departmentMail: false,
    });
    expect(schedule.assessment).toEqual({ weights: null });
  });

  it('are fresh copies for every load (no shared mutable defaults)', async () => {
    schedule.cycle.reminders[0]!.to.push('office');
    const again = expectOk(await loadScheduleFile(path.join(FIXTURES, 'minimal.yaml')));
    expect(again.cycle.reminders[0]?.to).toEqual(['unit']);
  });
});

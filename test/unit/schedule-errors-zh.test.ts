import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { composeConfigErrorMail } from '../../src/app/config-error-mail';
import {
  loadScheduleFile,
  loadScheduleText,
  type ScheduleResult,
} from '../../src/config/load-schedule';
import type { ScheduleErrorDetail, ScheduleErrorKind } from '../../src/config/schedule-error';
import { EN } from '../../src/config/schedule-error-en';
import { formatScheduleError, scheduleMessage } from '../../src/config/schedule-error-format';
import { ZH } from '../../src/config/schedule-error-zh';
import { capture, run } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '../..');
const BROKEN = path.join(ROOT, 'test/fixtures/schedules/broken.yaml');
const EXAMPLE_TEXT = fs.readFileSync(path.join(ROOT, 'config/schedule.example.yaml'), 'utf8');

function variant(change: (doc: Document) => void): ScheduleResult {
  const doc = parseDocument(EXAMPLE_TEXT);
  change(doc);
  return loadScheduleText(String(doc), 'v.yaml');
}
const text = loadScheduleText;

/**
 * One schedule for every kind of problem the validator finds, and how the office reads it:
 * `path：sentence` (after file:line:column). Line references ("第42行") are the re-serialised
 * example's.
 */
const CASES: Array<[ScheduleErrorKind, () => ScheduleResult, string]> = [
  [
    'yaml_tab_indent',
    () => text('programme:\n\tname: x\n', 's.yaml'),
    'YAML 不允许用制表符（Tab）缩进，请改用空格。',
  ],
  [
    'yaml_multiple_docs',
    () => text('a: 1\n---\nb: 2\n', 's.yaml'),
    '文件中有多个 YAML 文档（“---”），请只保留一份配置。',
  ],
  [
    'yaml_syntax',
    () => text('programme: [a, b\n', 's.yaml'),
    'YAML 语法错误：缩进不正确，或方括号、花括号没有闭合。',
  ],
  [
    'yaml_unresolvable',
    () => text('a: &a [1]\nb: *c\n', 's.yaml'),
    '文件无法按 YAML 读取（Unresolved alias (the anchor must be set before the alias): c）。',
  ],
  [
    'empty_file',
    () => text('', 'e.yaml'),
    '文件为空；应包含完整配置（programme、people、units、projects、cycle、calendar）。',
  ],
  [
    'root_not_mapping',
    () => text('- a\n', 'l.yaml'),
    '文件应为“键: 值”形式的映射（programme: …、people: …），而不是列表。',
  ],
  [
    'required_key',
    () => text(EXAMPLE_TEXT.replace('  mailbox: duban-inbox@example.cn\n', ''), 'v'),
    'programme.mailbox：缺少必填项“mailbox”。',
  ],
  [
    'no_value',
    () => variant((d) => d.setIn(['programme', 'signature'], null)),
    'programme.signature：“signature”未填写，应为文字。',
  ],
  [
    'wrong_type',
    () => variant((d) => d.setIn(['units', 0, 'id'], 123)),
    'units[0].id：应为文字，实际为数字 123。如为文字，请加引号。',
  ],
  [
    'not_a_year',
    () => variant((d) => d.setIn(['calendar', 'years', '21'], {})),
    'calendar.years.21：“21”不是年份：calendar.years 下的键应为四位年份，如 2021。',
  ],
  [
    'must_not_be_empty',
    () => variant((d) => d.setIn(['programme', 'signature'], ' ')),
    'programme.signature：此项不能为空。',
  ],
  [
    'unknown_key',
    () => variant((d) => d.setIn(['cycle', 'deadline', 'tiem'], '18:00')),
    'cycle.deadline.tiem：无法识别的键“tiem”。此处允许的键：weekday、time。您是否要写“time”？',
  ],
  [
    'invalid_id',
    () => variant((d) => d.setIn(['projects', 0, 'id'], 'Project 1')),
    'projects[0].id：“Project 1”不是有效的项目 id：只能使用小写字母、数字、“-”和“_”，并以字母或数字开头（如“jiaoyu”或“convenor-1”）。',
  ],
  [
    'invalid_email',
    () => variant((d) => d.setIn(['units', 2, 'addresses', 0], 'jiaoyu＠example.cn')),
    'units[2].addresses[0]：邮箱地址格式不正确。您是否要写“jiaoyu@example.cn”？',
  ],
  [
    'date_format',
    () => variant((d) => d.setIn(['programme', 'active', 'from'], '2021/3/10')),
    'programme.active.from：“2021/3/10”不是 YYYY-MM-DD 格式的日期（如 2021-03-25）。',
  ],
  [
    'date_not_real',
    () => variant((d) => d.setIn(['projects', 0, 'targets', 0, 'due'], '2021-02-30')),
    'projects[0].targets[0].due：“2021-02-30”不是实际存在的日期。',
  ],
  [
    'time_as_number',
    () => variant((d) => d.setIn(['cycle', 'digest', 'time'], 1080)),
    'cycle.digest.time：应为“18:00”形式的时间，实际为数字 1080（未加引号的时间会被读成数字）；请给时间加引号。',
  ],
  [
    'time_format',
    () => variant((d) => d.setIn(['cycle', 'deadline', 'time'], '9:00')),
    'cycle.deadline.time：“9:00”不是有效的时间：请按24小时制写成 HH:MM，从 00:00 到 23:59。您是否要写“09:00”？',
  ],
  [
    'weekday',
    () => variant((d) => d.setIn(['cycle', 'digest', 'weekday'], 'Tuesday')),
    'cycle.digest.weekday：“Tuesday”不是星期：请填写以下之一：monday、tuesday、wednesday、thursday、friday、saturday、sunday。您是否要写“tuesday”？',
  ],
  [
    'audience',
    () => variant((d) => d.setIn(['cycle', 'reminders', 1, 'cc', 0], 'head')),
    'cycle.reminders[1].cc[0]：“head”不是有效的收件对象：请使用以下之一：unit、unit_head、responsible_leader、chief_convenor、convenors、office。',
  ],
  [
    'digest_audience_unit_only',
    () => variant((d) => d.setIn(['cycle', 'digest', 'cc', 0], 'unit_head')),
    'cycle.digest.cc[0]：汇总涵盖全部项目，不能发给“unit_head”；请使用 chief_convenor、convenors、office。',
  ],
  [
    'digest_audience',
    () => variant((d) => d.setIn(['cycle', 'digest', 'to', 1], 'convenor')),
    'cycle.digest.to[1]：“convenor”不是汇总的收件对象：请使用以下之一：chief_convenor、convenors、office。您是否要写“convenors”？',
  ],
  [
    'holiday_rule',
    () => variant((d) => d.setIn(['cycle', 'on_holiday'], 'next_workday')),
    'cycle.on_holiday：不能填写“next_workday”：请使用以下之一：next_working_day、previous_working_day、keep。您是否要写“next_working_day”？',
  ],
  [
    'calendar_entry_format',
    () =>
      variant((d) =>
        d.setIn(['calendar', 'years', 2021, 'holidays', 1], '2021-02-11 - 2021-02-17'),
      ),
    'calendar.years.2021.holidays[1]：“2021-02-11 - 2021-02-17”既不是日期（如 2021-04-05），也不是日期范围（如 2021-02-11..2021-02-17）。',
  ],
  [
    'range_reversed',
    () =>
      variant((d) => d.setIn(['calendar', 'years', 2021, 'holidays', 1], '2021-02-17..2021-02-11')),
    'calendar.years.2021.holidays[1]：日期范围“2021-02-17..2021-02-11”的结束日期早于开始日期，请把较早的日期写在前面。',
  ],
  [
    'timezone',
    () => variant((d) => d.setIn(['programme', 'timezone'], 'CST')),
    'programme.timezone：“CST”不是 IANA 时区名称，请写成“地区/城市”形式，如 Asia/Shanghai。您是否要写“Asia/Shanghai”？',
  ],
  [
    'version',
    () => variant((d) => d.set('version', 2)),
    'version：配置格式只有第1版，请写“version: 1”。',
  ],
  [
    'offset_days_whole',
    () => variant((d) => d.setIn(['cycle', 'reminders', 2, 'offset_days'], 1.5)),
    'cycle.reminders[2].offset_days：offset_days 须为整数天数。',
  ],
  [
    'offset_days_range',
    () => variant((d) => d.setIn(['cycle', 'reminders', 2, 'offset_days'], 9)),
    'cycle.reminders[2].offset_days：offset_days 须在 -6 到 6 之间：提醒按周循环。',
  ],
  [
    'late_window_whole',
    () => variant((d) => d.setIn(['cycle', 'late_window_working_days'], 1.5)),
    'cycle.late_window_working_days：late_window_working_days 须为整数个工作日。',
  ],
  [
    'late_window_negative',
    () => variant((d) => d.setIn(['cycle', 'late_window_working_days'], -1)),
    'cycle.late_window_working_days：late_window_working_days 不能为负数。',
  ],
  [
    'late_window_max',
    () => variant((d) => d.setIn(['cycle', 'late_window_working_days'], 6)),
    'cycle.late_window_working_days：late_window_working_days 不能超过5：报送按周循环。',
  ],
  [
    'unit_addresses_empty',
    () => variant((d) => d.setIn(['units', 0, 'addresses'], [])),
    'units[0].addresses：每个单位至少需要一个发件地址。',
  ],
  [
    'remind_to_empty',
    () => variant((d) => d.setIn(['units', 0, 'remind', 'to'], [])),
    'units[0].remind.to：提醒至少需要一个收件人；不填写“to”时，提醒发往该单位的发件地址。',
  ],
  [
    'lead_units_empty',
    () => variant((d) => d.setIn(['projects', 0, 'lead_units'], [])),
    'projects[0].lead_units：每个项目至少需要一个牵头单位。',
  ],
  [
    'targets_empty',
    () => variant((d) => d.setIn(['projects', 0, 'targets'], [])),
    'projects[0].targets：每个项目至少需要一个攻坚目标。',
  ],
  [
    'stage_to_empty',
    () => variant((d) => d.setIn(['cycle', 'reminders', 0, 'to'], [])),
    'cycle.reminders[0].to：每个提醒阶段的“to”至少需要一个收件对象。',
  ],
  [
    'digest_to_empty',
    () => variant((d) => d.setIn(['cycle', 'digest', 'to'], [])),
    'cycle.digest.to：汇总的“to”至少需要一个收件对象。',
  ],
  [
    'convenors_empty',
    () => variant((d) => d.setIn(['people', 'convenors'], [])),
    'people.convenors：至少需要一名召集人。',
  ],
  [
    'office_empty',
    () => variant((d) => d.setIn(['people', 'office'], [])),
    'people.office：至少需要一名办公室成员。',
  ],
  ['units_empty', () => variant((d) => d.set('units', [])), 'units：至少需要一个单位。'],
  ['projects_empty', () => variant((d) => d.set('projects', [])), 'projects：至少需要一个项目。'],
  [
    'blue_days_whole',
    () => variant((d) => d.setIn(['follow_up', 'blue_working_days'], 1.5)),
    'follow_up.blue_working_days：blue_working_days 须为整数个工作日。',
  ],
  [
    'blue_days_range',
    () => variant((d) => d.setIn(['follow_up', 'blue_working_days'], 31)),
    'follow_up.blue_working_days：blue_working_days 须在 0 到 30 之间（0 表示到期前不发蓝色督办单）。',
  ],
  [
    'yellow_weeks_whole',
    () => variant((d) => d.setIn(['follow_up', 'yellow_weeks_without_progress'], 1.5)),
    'follow_up.yellow_weeks_without_progress：yellow_weeks_without_progress 须为整数个报送周。',
  ],
  [
    'yellow_weeks_range',
    () => variant((d) => d.setIn(['follow_up', 'yellow_weeks_without_progress'], 0)),
    'follow_up.yellow_weeks_without_progress：yellow_weeks_without_progress 须在 1 到 12 之间。',
  ],
  [
    'weights_empty',
    () => variant((d) => d.setIn(['assessment', 'weights'], d.createNode({}))),
    'assessment.weights：weights 未设置任何权重；请至少设置一项，或删去 weights（不计分）。',
  ],
  [
    'unknown_fact',
    () => variant((d) => d.setIn(['assessment', 'weights', 'onTme'], 2)),
    'assessment.weights.onTme：无法识别的考评事实“onTme”。可设置权重的事实：weeksExpected、onTime、late、missing、notUsable、correctionsRequested、reminders、escalations、targetsDue、targetsMetOnTime、targetsOverdue、itemsAssigned、itemsClosedOnTime、itemsClosedLate、itemsOpen、itemsOverdue、noticesBlue、noticesYellow、noticesRed。您是否要写“onTime”？',
  ],
  [
    'person_id_taken',
    () => variant((d) => d.setIn(['people', 'office', 1, 'id'], 'convenor-2')),
    'people.office[1].id：id“convenor-2”已被第42行的 people.convenors[1].id 使用；每个人员的 id 须各不相同。',
  ],
  [
    'head_id_taken',
    () =>
      variant((d) => {
        d.setIn(['units', 0, 'head', 'id'], undefined);
        d.deleteIn(['units', 0, 'head', 'id']);
        d.setIn(['people', 'office', 1, 'id'], 'jiaoyu-head');
      }),
    'units[0].head：单位“jiaoyu”负责人的默认 id 为“jiaoyu-head”，但已被第58行的 people.office[1].id 使用；请为该负责人单独填写“id”。',
  ],
  [
    'no_admin',
    () => variant((d) => d.setIn(['people', 'office', 0, 'admin'], false)),
    'people.office：警告：办公室成员中没有人设置“admin: true”，配置错误和运行提醒将无人接收。',
  ],
  [
    'unit_id_taken',
    () => variant((d) => d.setIn(['units', 1, 'id'], 'jiaoyu')),
    'units[1].id：单位 id“jiaoyu”已被第72行的 units[0].id 使用。',
  ],
  [
    'address_repeated',
    () => variant((d) => d.setIn(['units', 0, 'addresses', 1], 'jiaoyu@example.cn')),
    'units[0].addresses[1]：警告：地址“jiaoyu@example.cn”在本单位中重复列出。',
  ],
  [
    'address_taken',
    () => variant((d) => d.setIn(['units', 4, 'addresses', 1], 'JiaoYu@Example.CN')),
    'units[4].addresses[1]：地址“jiaoyu@example.cn”已属于单位“jiaoyu”（第79行的 units[0].addresses[0]）；一个地址只能属于一个单位，系统才能判断报表由谁发送。',
  ],
  [
    'address_is_mailbox',
    () => variant((d) => d.setIn(['units', 0, 'addresses', 1], 'duban-inbox@example.cn')),
    'units[0].addresses[1]：“duban-inbox@example.cn”是办公室邮箱（programme.mailbox），不能同时作为单位的发件地址。',
  ],
  [
    'unit_name_taken',
    () => variant((d) => d.setIn(['units', 1, 'aliases', 1], '教育局')),
    'units[1].aliases[1]：“教育局”也是单位“jiaoyu”的名称或别名（第76行的 units[0].aliases[0]），报表中出现时将无法区分。',
  ],
  [
    'project_name_taken',
    () => variant((d) => d.setIn(['projects', 1, 'aliases'], ['锦川实验小学项目'])),
    'projects[1].aliases[0]：“锦川实验小学项目”也是项目“p1”的名称或别名（第174行的 projects[0].name），报表中出现时将无法区分。',
  ],
  [
    'project_id_taken',
    () => variant((d) => d.setIn(['projects', 3, 'id'], 'p1')),
    'projects[3].id：项目 id“p1”已被第172行的 projects[0].id 使用。',
  ],
  [
    'lead_unit_repeated',
    () => variant((d) => d.setIn(['projects', 0, 'lead_units', 1], 'jiaoyu')),
    'projects[0].lead_units[1]：警告：牵头单位“jiaoyu”在本项目中重复列出。',
  ],
  [
    'unknown_unit',
    () => variant((d) => d.setIn(['projects', 2, 'lead_units', 1], 'xinchen')),
    'projects[2].lead_units[1]：units 中没有定义单位“xinchen”。您是否要写“xincheng”？',
  ],
  [
    'leader_is_chief',
    () => variant((d) => d.setIn(['projects', 0, 'responsible_leader'], 'chief')),
    'projects[0].responsible_leader：“chief”是总召集人；项目负责领导须为以下召集人之一：convenor-1、convenor-2、convenor-3、convenor-4。',
  ],
  [
    'leader_is_office',
    () => variant((d) => d.setIn(['projects', 0, 'responsible_leader'], 'office-director')),
    'projects[0].responsible_leader：“office-director”是办公室成员；项目负责领导须为以下召集人之一：convenor-1、convenor-2、convenor-3、convenor-4。',
  ],
  [
    'unknown_leader',
    () => variant((d) => d.setIn(['projects', 0, 'responsible_leader'], 'convenor-5')),
    'projects[0].responsible_leader：“convenor-5”不是召集人 id；项目负责领导须为以下之一：convenor-1、convenor-2、convenor-3、convenor-4。您是否要写“convenor-1”？',
  ],
  [
    'stage_id_taken',
    () => variant((d) => d.setIn(['cycle', 'reminders', 2, 'id'], 'morning')),
    'cycle.reminders[2].id：提醒阶段 id“morning”已被第258行的 cycle.reminders[0].id 使用。',
  ],
  [
    'to_and_cc',
    () => variant((d) => d.setIn(['cycle', 'digest', 'cc', 0], 'convenors')),
    'cycle.digest.cc[0]：警告：“convenors”同时列在“to”和“cc”中；该对象只会以“to”收到一封邮件。',
  ],
  [
    'period_reversed',
    () => variant((d) => d.setIn(['programme', 'active', 'to'], '2021-03-01')),
    'programme.active.to：攻坚工作的结束日期（2021-03-01）早于开始日期（2021-03-10）。',
  ],
  [
    'date_outside_year',
    () => variant((d) => d.setIn(['calendar', 'years', 2021, 'holidays', 0], '2022-01-01')),
    'calendar.years.2021.holidays[0]：2022-01-01不在2021年内，请列在 years: 2022 下。',
  ],
  [
    'range_outside_year',
    () =>
      variant((d) => d.setIn(['calendar', 'years', 2021, 'holidays', 0], '2021-12-31..2022-01-02')),
    'calendar.years.2021.holidays[0]：日期范围“2021-12-31..2022-01-02”超出了2021年，请拆开，并把2022年的日期列在 years: 2022 下。',
  ],
  [
    'holiday_and_workday',
    () =>
      variant((d) => d.setIn(['calendar', 'years', 2021, 'holidays', 1], '2021-02-11..2021-03-17')),
    'calendar.years.2021.workdays[1]：2021-02-20既列为节假日（第298行的 calendar.years.2021.holidays[1]），又列为调休上班日，请只保留一处。',
  ],
  [
    'long_range',
    () =>
      variant((d) => d.setIn(['calendar', 'years', 2021, 'holidays', 1], '2021-02-11..2021-03-17')),
    'calendar.years.2021.holidays[1]：警告：日期范围“2021-02-11..2021-03-17”长达35天；法定节假日一般不超过一周，请核对结束日期。',
  ],
  [
    'workday_not_weekend',
    () => variant((d) => d.setIn(['calendar', 'years', 2021, 'workdays', 0], '2021-02-08')),
    'calendar.years.2021.workdays[0]：警告：2021-02-08是星期一，本来就是工作日；调休上班日一般在周末。',
  ],
  [
    'no_calendar_year',
    () => variant((d) => d.setIn(['programme', 'active', 'to'], '2022-06-30')),
    'calendar.years：警告：缺少2022年的日历，而攻坚工作在该年进行：届时只有周末算作非工作日。请在 years: 2022 下填写该年的节假日和调休上班日。',
  ],
];

/** Kinds no edit of a file the tests can write produces; their sentences are checked directly. */
const RENDERED_ONLY: Array<[ScheduleErrorDetail, string]> = [
  [{ kind: 'file_missing', params: {} }, '配置文件不存在。'],
  [{ kind: 'file_is_directory', params: {} }, '该路径是目录，不是配置文件。'],
  [{ kind: 'file_permission', params: {} }, '无权读取配置文件。'],
  [{ kind: 'file_unreadable', params: { reason: 'EIO' } }, '无法读取配置文件（EIO）。'],
  [
    { kind: 'not_utf8', params: {} },
    '文件不是 UTF-8 编码（可能以 GBK/ANSI 保存），请以 UTF-8 编码重新保存。',
  ],
  [{ kind: 'yaml_duplicate_key', params: {} }, '同一层级中此键出现了两次，请只保留一个。'],
  [
    { kind: 'not_allowed', params: { value: 'x', allowed: ['a', 'b'], suggestion: 'a' } },
    '此处不能填写“x”，请使用以下之一：a、b。您是否要写“a”？',
  ],
  [{ kind: 'list_too_short', params: { minimum: 2 } }, '此列表至少需要2项。'],
  [{ kind: 'other', params: { text: 'Too big' } }, '取值不符合要求（Too big）。'],
  [
    { kind: 'yaml_syntax', params: { yamlCode: 'SOMETHING_NEW', detail: 'Odd input' } },
    'YAML 语法错误（Odd input）。',
  ],
];

function findError(result: ScheduleResult, kind: ScheduleErrorKind) {
  const errors = result.ok ? [] : result.errors;
  const error = errors.find((e) => e.kind === kind);
  if (error) return { error, severity: 'error' as const };
  const warning = result.warnings.find((e) => e.kind === kind);
  if (warning) return { error: warning, severity: 'warning' as const };
  throw new Error(`no ${kind} among ${[...errors, ...result.warnings].map((e) => e.kind).join()}`);
}

describe('every schedule error in zh-CN', () => {
  it.each(CASES)('%s', (kind, make, expected) => {
    const { error, severity } = findError(make(), kind);
    const where = `${error.file}:${error.line}:${error.column}`;
    expect(error.line).toBeGreaterThan(0);
    expect(formatScheduleError(error, 'zh-CN', severity)).toBe(
      error.path ? `${where} ${expected}` : `${where}：${expected}`,
    );
    // The same error in English is the message the loader keeps for logs.
    const en = formatScheduleError(error, 'en', severity);
    expect(en).toContain(error.message);
    expect(en.replace(/"[^"]*"/g, '')).not.toMatch(/[\u4e00-\u9fff]{3}/);
  });

  it.each(RENDERED_ONLY)('%j', (detail, expected) => {
    expect(scheduleMessage(detail, 'zh-CN')).toBe(expected);
    expect(scheduleMessage(detail, 'en')).toMatch(/^[\x20-\x7e]+$/);
  });

  it('covers every kind, in both tables', () => {
    const covered = new Set([...CASES.map((c) => c[0]), ...RENDERED_ONLY.map((c) => c[0].kind)]);
    expect(Object.keys(ZH).filter((k) => !covered.has(k as ScheduleErrorKind))).toEqual([]);
    expect(Object.keys(EN).sort()).toEqual(Object.keys(ZH).sort());
  });

  it('keeps errors structured: kind and params are plain JSON', () => {
    const { error } = findError(
      variant((d) => d.setIn(['units', 2, 'addresses', 0], 'jiaoyu＠example.cn')),
      'invalid_email',
    );
    expect(JSON.parse(JSON.stringify(error))).toEqual(error);
    expect(error).toMatchObject({
      path: 'units[2].addresses[0]',
      kind: 'invalid_email',
      params: { value: 'jiaoyu＠example.cn', suggestion: 'jiaoyu@example.cn' },
    });
    expect(
      formatScheduleError(
        { ...error, file: 'config/schedule.yaml', line: 12, column: 5, path: 'units[2].email' },
        'zh-CN',
      ),
    ).toBe(
      'config/schedule.yaml:12:5 units[2].email：邮箱地址格式不正确。您是否要写“jiaoyu@example.cn”？',
    );
    expect(formatScheduleError(error, 'en')).toMatch(
      /: units\[2\]\.addresses\[0\]: "jiaoyu＠example\.cn" is not a valid e-mail address \(expected something like name@example\.cn\) \(did you mean "jiaoyu@example\.cn"\?\)\.$/,
    );
  });

  it('words a missing file as one line without position', async () => {
    const result = await loadScheduleFile('/nonexistent/schedule.yaml', 'schedule.yaml');
    if (result.ok) throw new Error('expected a refusal');
    expect(result.errors.map((e) => formatScheduleError(e, 'zh-CN'))).toEqual([
      'schedule.yaml：配置文件不存在。',
    ]);
  });
});

describe('duban config check speaks zh-CN by default', () => {
  it('lists every error in zh-CN with file:line:column and the path, then the count', async () => {
    const { code, io } = await run(['config', 'check', BROKEN]);
    expect(code).toBe(1);
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'test/fixtures/schedules/broken.yaml:6:13 programme.timezone：“Asia/Shangai”不是 IANA 时区名称，请写成“地区/城市”形式，如 Asia/Shanghai。您是否要写“Asia/Shanghai”？',
    );
    expect(lines).toContain(
      'test/fixtures/schedules/broken.yaml:32:5 units[0].adresses：无法识别的键“adresses”。此处允许的键：id、name、aliases、addresses、remind、head。您是否要写“addresses”？',
    );
    expect(lines.filter((l) => l.includes('：警告：'))).toHaveLength(2);
    expect(lines[lines.length - 1]).toBe(
      'test/fixtures/schedules/broken.yaml：共24处错误、2处警告，配置未加载。',
    );
  });

  it('says OK in zh-CN', async () => {
    const { code, io } = await run(['config', 'check', 'config/schedule.example.yaml']);
    expect(code).toBe(0);
    expect(io.stdout).toBe(
      'config/schedule.example.yaml：检查通过（8个单位、4个项目、14项攻坚目标）\n',
    );
  });

  it('speaks English with --lang en or DUBAN_LANG=en, and --lang wins over DUBAN_LANG', async () => {
    const viaFlag = await run(['config', 'check', '--lang', 'en', BROKEN]);
    expect(viaFlag.io.stderr).toMatch(/: 24 errors, 2 warnings; the schedule was not loaded\.\n$/);
    const viaEnv = await run(['config', 'check', BROKEN], capture({ DUBAN_LANG: 'en' }));
    expect(viaEnv.io.stderr).toMatch(
      /^test\/fixtures\/schedules\/broken\.yaml:6:13: programme\.timezone: "Asia\/Shangai"/,
    );
    const both = await run(
      ['config', 'check', '--lang', 'zh-CN', BROKEN],
      capture({ DUBAN_LANG: 'en' }),
    );
    expect(both.io.stderr).toMatch(/配置未加载。\n$/);
  });

  it('refuses a language it does not speak', async () => {
    const { code, io } = await run(['config', 'check', '--lang', 'fr', BROKEN]);
    expect(code).toBe(1);
    expect(io.stderr).toBe('duban: --lang "fr" is not a language; use zh-CN or en.\n');
  });

  it('gives --json errors with kind, params and the message in the chosen language', async () => {
    const zh = JSON.parse((await run(['config', 'check', '--json', BROKEN])).io.stdout) as {
      errors: Array<{ kind: string; params: unknown; message: string; path: string }>;
    };
    expect(zh.errors[0]).toMatchObject({
      path: 'programme.timezone',
      kind: 'timezone',
      params: { value: 'Asia/Shangai', example: 'Asia/Shanghai', suggestion: 'Asia/Shanghai' },
      message:
        '“Asia/Shangai”不是 IANA 时区名称，请写成“地区/城市”形式，如 Asia/Shanghai。您是否要写“Asia/Shanghai”？',
    });
    const en = JSON.parse(
      (await run(['config', 'check', '--json', '--lang', 'en', BROKEN])).io.stdout,
    ) as { errors: Array<{ message: string }> };
    expect(en.errors[0]?.message).toMatch(/^"Asia\/Shangai" is not an IANA time zone name/);
  });
});

describe('the admin alert mail', () => {
  it('lists the errors in zh-CN', async () => {
    const example = await loadScheduleFile(path.join(ROOT, 'config/schedule.example.yaml'));
    const broken = await loadScheduleFile(BROKEN, 'config/schedule.yaml');
    if (!example.ok || broken.ok) throw new Error('fixtures changed');
    const mail = composeConfigErrorMail({
      schedule: example.schedule,
      from: 'duban-inbox@example.cn',
      sha: 'a'.repeat(64),
      shown: 'config/schedule.yaml',
      errors: broken.errors,
      now: new Date('2021-03-15T02:00:00Z'),
    });
    const lines = mail?.text.split('\n') ?? [];
    expect(lines).toContain('错误清单（文件:行:列 位置：说明）：');
    expect(lines).toContain(
      '1. config/schedule.yaml:6:13 programme.timezone：“Asia/Shangai”不是 IANA 时区名称，请写成“地区/城市”形式，如 Asia/Shanghai。您是否要写“Asia/Shanghai”？',
    );
    expect(mail?.text).not.toMatch(/did you mean|is not/);
  });
});

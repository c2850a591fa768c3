/**
 * The zh-CN text of every kind of schedule problem: what the office reads in `duban config check`,
 * the admin alert mail and the console. Formal, plain sentences; a suggestion ends the message as
 * "您是否要写“…”？". Keys, ids and values from the file are quoted as written.
 */
import type { MessageTable } from './schedule-error-en';
import type { Expected, Found, IdOf, PlaceRef, Scalar } from './schedule-error';

const quote = (value: Scalar): string => (typeof value === 'string' ? `“${value}”` : String(value));
/** The other half of a clash: “第18行的 people.convenors[0].id”. */
const ref = (r: PlaceRef) => `第${r.line}行的 ${r.path}`;
const mean = (s: string | undefined) => (s === undefined ? '' : `您是否要写“${s}”？`);
const list = (xs: string[]) => xs.join('、');

const EXPECTED: Record<Expected, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '布尔值（true 或 false）',
  array: '列表（以“- ”开头的多行，或 [a, b]）',
  object: '键值映射（“键: 值”形式的多行）',
  record: '键值映射（“键: 值”形式的多行）',
  other: '其他类型的值',
};

function found(f: Found): string {
  switch (f.type) {
    case 'nothing':
      return '空值';
    case 'text':
      return `文字“${f.text ?? ''}”`;
    case 'number':
      return `数字 ${f.text ?? ''}`;
    case 'boolean':
      return f.text ?? '';
    case 'list':
      return '列表';
    case 'mapping':
      return '键值映射';
  }
}

const ID_OF: Record<IdOf, string> = {
  person: '人员',
  unit: '单位',
  project: '项目',
  'reminder stage': '提醒阶段',
};

const WEEKDAY: Record<string, string> = {
  monday: '星期一',
  tuesday: '星期二',
  wednesday: '星期三',
  thursday: '星期四',
  friday: '星期五',
  saturday: '星期六',
  sunday: '星期日',
};

/** The yaml package's error codes the office is likely to meet, in words. */
const YAML_REASONS: Record<string, string> = {
  BAD_INDENT: '缩进不正确，或方括号、花括号没有闭合',
  MISSING_CHAR: '缺少配对的符号（如引号、方括号或花括号）',
  UNEXPECTED_TOKEN: '此处出现了不应有的符号',
  BLOCK_AS_IMPLICIT_KEY: '键的写法不正确，键应写在一行内，后跟冒号和空格',
  MULTILINE_IMPLICIT_KEY: '键的写法不正确，键应写在一行内，后跟冒号和空格',
  BAD_SCALAR_START: '值不能以此符号开头，请给值加引号',
  BAD_DQ_ESCAPE: '双引号内的转义字符不正确',
  BAD_ALIAS: '引用（*）的写法不正确',
  BLOCK_IN_FLOW: '方括号或花括号内不能换行书写多行内容',
};

export const ZH: MessageTable = {
  file_missing: () => '配置文件不存在。',
  file_is_directory: () => '该路径是目录，不是配置文件。',
  file_permission: () => '无权读取配置文件。',
  file_unreadable: (p) => `无法读取配置文件（${p.reason}）。`,
  not_utf8: () => '文件不是 UTF-8 编码（可能以 GBK/ANSI 保存），请以 UTF-8 编码重新保存。',

  yaml_duplicate_key: () => '同一层级中此键出现了两次，请只保留一个。',
  yaml_tab_indent: () => 'YAML 不允许用制表符（Tab）缩进，请改用空格。',
  yaml_multiple_docs: () => '文件中有多个 YAML 文档（“---”），请只保留一份配置。',
  yaml_syntax: (p) => {
    const reason = YAML_REASONS[p.yamlCode];
    return reason ? `YAML 语法错误：${reason}。` : `YAML 语法错误（${p.detail}）。`;
  },
  yaml_unresolvable: (p) => `文件无法按 YAML 读取（${p.detail}）。`,

  empty_file: () =>
    '文件为空；应包含完整配置（programme、people、units、projects、cycle、calendar）。',
  root_not_mapping: (p) =>
    `文件应为“键: 值”形式的映射（programme: …、people: …），而不是${found(p.found)}。`,
  required_key: (p) => `缺少必填项“${p.key}”。`,
  no_value: (p) =>
    p.key !== undefined
      ? `“${p.key}”未填写，应为${EXPECTED[p.expected]}。`
      : `此项为空，应为${EXPECTED[p.expected]}。`,
  wrong_type: (p) => {
    const hint =
      p.hint === 'quote'
        ? '如为文字，请加引号。'
        : p.hint === 'boolean'
          ? '请写 true 或 false，不加引号。'
          : p.hint === 'list'
            ? `仅一项也须写成列表：[${p.found.text ?? ''}]。`
            : '';
    return `应为${EXPECTED[p.expected]}，实际为${found(p.found)}。${hint}`;
  },
  not_allowed: (p) =>
    `此处不能填写${quote(p.value)}，请使用以下之一：${list(p.allowed)}。${mean(p.suggestion)}`,
  not_a_year: (p) => `“${p.key}”不是年份：calendar.years 下的键应为四位年份，如 2021。`,
  list_too_short: (p) => `此列表至少需要${p.minimum}项。`,
  must_not_be_empty: () => '此项不能为空。',
  unknown_key: (p) =>
    `无法识别的键“${p.key}”。` +
    (p.allowed.length ? `此处允许的键：${list(p.allowed)}。` : '') +
    mean(p.suggestion),
  invalid_id: (p) =>
    `${quote(p.value)}不是有效的${ID_OF[p.idOf]} id：只能使用小写字母、数字、“-”和“_”，并以字母或数字开头（如“jiaoyu”或“convenor-1”）。`,
  invalid_email: (p) =>
    p.suggestion
      ? `邮箱地址格式不正确。${mean(p.suggestion)}`
      : `邮箱地址${quote(p.value)}格式不正确，应形如 name@example.cn。`,
  date_format: (p) => `${quote(p.value)}不是 YYYY-MM-DD 格式的日期（如 2021-03-25）。`,
  date_not_real: (p) => `${quote(p.value)}不是实际存在的日期。`,
  time_as_number: (p) =>
    `应为“18:00”形式的时间，实际为数字 ${p.value}（未加引号的时间会被读成数字）；请给时间加引号。`,
  time_format: (p) =>
    `${quote(p.value)}不是有效的时间：请按24小时制写成 HH:MM，从 00:00 到 23:59。` + mean(p.padded),
  weekday: (p) =>
    `${quote(p.value)}不是星期：请填写以下之一：${list(p.allowed)}。${mean(p.suggestion)}`,
  audience: (p) =>
    `${quote(p.value)}不是有效的收件对象：请使用以下之一：${list(p.allowed)}。${mean(p.suggestion)}`,
  digest_audience_unit_only: (p) =>
    `汇总涵盖全部项目，不能发给${quote(p.value)}；请使用 ${list(p.allowed)}。`,
  digest_audience: (p) =>
    `${quote(p.value)}不是汇总的收件对象：请使用以下之一：${list(p.allowed)}。${mean(p.suggestion)}`,
  holiday_rule: (p) =>
    `不能填写${quote(p.value)}：请使用以下之一：${list(p.allowed)}。${mean(p.suggestion)}`,
  calendar_entry_format: (p) =>
    `${quote(p.value)}既不是日期（如 2021-04-05），也不是日期范围（如 2021-02-11..2021-02-17）。`,
  range_reversed: (p) =>
    `日期范围${quote(p.value)}的结束日期早于开始日期，请把较早的日期写在前面。`,
  timezone: (p) =>
    `${quote(p.value)}不是 IANA 时区名称，请写成“地区/城市”形式，如 ${p.example}。${mean(p.suggestion)}`,
  version: () => '配置格式只有第1版，请写“version: 1”。',
  offset_days_whole: () => 'offset_days 须为整数天数。',
  offset_days_range: () => 'offset_days 须在 -6 到 6 之间：提醒按周循环。',
  late_window_whole: () => 'late_window_working_days 须为整数个工作日。',
  late_window_negative: () => 'late_window_working_days 不能为负数。',
  late_window_max: () => 'late_window_working_days 不能超过5：报送按周循环。',
  unit_addresses_empty: () => '每个单位至少需要一个发件地址。',
  remind_to_empty: () => '提醒至少需要一个收件人；不填写“to”时，提醒发往该单位的发件地址。',
  lead_units_empty: () => '每个项目至少需要一个牵头单位。',
  targets_empty: () => '每个项目至少需要一个攻坚目标。',
  stage_to_empty: () => '每个提醒阶段的“to”至少需要一个收件对象。',
  digest_to_empty: () => '汇总的“to”至少需要一个收件对象。',
  convenors_empty: () => '至少需要一名召集人。',
  office_empty: () => '至少需要一名办公室成员。',
  units_empty: () => '至少需要一个单位。',
  projects_empty: () => '至少需要一个项目。',
  blue_days_whole: () => 'blue_working_days 须为整数个工作日。',
  blue_days_range: () => 'blue_working_days 须在 0 到 30 之间（0 表示到期前不发蓝色督办单）。',
  yellow_weeks_whole: () => 'yellow_weeks_without_progress 须为整数个报送周。',
  yellow_weeks_range: () => 'yellow_weeks_without_progress 须在 1 到 12 之间。',
  weights_empty: () => 'weights 未设置任何权重；请至少设置一项，或删去 weights（不计分）。',
  unknown_fact: (p) =>
    `无法识别的考评事实“${p.fact}”。可设置权重的事实：${list(p.allowed)}。${mean(p.suggestion)}`,
  other: (p) => `取值不符合要求（${p.text}）。`,

  person_id_taken: (p) => `id“${p.id}”已被${ref(p.first)} 使用；每个人员的 id 须各不相同。`,
  head_id_taken: (p) =>
    `单位“${p.unit}”负责人的默认 id 为“${p.generated}”，但已被${ref(p.first)} 使用；请为该负责人单独填写“id”。`,
  no_admin: () => '办公室成员中没有人设置“admin: true”，配置错误和运行提醒将无人接收。',
  unit_id_taken: (p) => `单位 id“${p.id}”已被${ref(p.first)} 使用。`,
  address_repeated: (p) => `地址“${p.address}”在本单位中重复列出。`,
  address_taken: (p) =>
    `地址“${p.address}”已属于单位${p.unitHasId ? `“${p.unit}”` : ` ${p.unit} `}（${ref(p.first)}）；` +
    '一个地址只能属于一个单位，系统才能判断报表由谁发送。',
  address_is_mailbox: (p) =>
    `“${p.address}”是办公室邮箱（programme.mailbox），不能同时作为单位的发件地址。`,
  unit_name_taken: (p) =>
    `“${p.name}”也是单位“${p.other}”的名称或别名（${ref(p.first)}），报表中出现时将无法区分。`,
  project_name_taken: (p) =>
    `“${p.name}”也是项目“${p.other}”的名称或别名（${ref(p.first)}），报表中出现时将无法区分。`,
  project_id_taken: (p) => `项目 id“${p.id}”已被${ref(p.first)} 使用。`,
  lead_unit_repeated: (p) => `牵头单位“${p.unit}”在本项目中重复列出。`,
  unknown_unit: (p) =>
    `units 中没有定义单位“${p.unit}”。` +
    (p.byName ? 'lead_units 应填写单位 id，而不是单位名称。' : '') +
    mean(p.suggestion),
  leader_is_chief: (p) =>
    `“${p.leader}”是总召集人；项目负责领导须为以下召集人之一：${convenors(p.convenors)}。`,
  leader_is_office: (p) =>
    `“${p.leader}”是办公室成员；项目负责领导须为以下召集人之一：${convenors(p.convenors)}。`,
  unknown_leader: (p) =>
    `“${p.leader}”不是召集人 id；项目负责领导须为以下之一：${convenors(p.convenors)}。${mean(p.suggestion)}`,
  stage_id_taken: (p) => `提醒阶段 id“${p.id}”已被${ref(p.first)} 使用。`,
  to_and_cc: (p) => `“${p.audience}”同时列在“to”和“cc”中；该对象只会以“to”收到一封邮件。`,
  period_reversed: (p) => `攻坚工作的结束日期（${p.to}）早于开始日期（${p.from}）。`,
  date_outside_year: (p) => `${p.date}不在${p.year}年内，请列在 years: ${p.other} 下。`,
  range_outside_year: (p) =>
    `日期范围“${p.value}”超出了${p.year}年，请拆开，并把${p.other}年的日期列在 years: ${p.other} 下。`,
  long_range: (p) =>
    `日期范围“${p.value}”长达${p.days}天；法定节假日一般不超过一周，请核对结束日期。`,
  holiday_and_workday: (p) =>
    `${p.date}既列为节假日（${ref(p.first)}），又列为调休上班日，请只保留一处。`,
  workday_not_weekend: (p) =>
    `${p.date}是${WEEKDAY[p.weekday] ?? p.weekday}，本来就是工作日；调休上班日一般在周末。`,
  no_calendar_year: (p) =>
    `缺少${p.year}年的日历，而攻坚工作在该年进行：届时只有周末算作非工作日。请在 years: ${p.year} 下填写该年的节假日和调休上班日。`,
};

function convenors(ids: string[]): string {
  return ids.length ? list(ids) : '（尚未定义召集人）';
}

/** The English text of every kind of schedule problem (for `--lang en`, logs and tests). */
import type {
  Expected,
  Found,
  IdOf,
  PlaceRef,
  Scalar,
  ScheduleErrorKind,
  ScheduleErrorParams,
} from './schedule-error';

export type MessageTable = {
  [K in ScheduleErrorKind]: (p: ScheduleErrorParams[K]) => string;
};

const quote = (value: Scalar): string =>
  typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
const ref = (r: PlaceRef) => `${r.path} (line ${r.line})`;
const mean = (s: string | undefined) => (s === undefined ? '' : ` (did you mean "${s}"?)`);

const EXPECTED: Record<Expected, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list (lines starting with "- ", or [a, b])',
  object: 'a mapping of keys ("key: value" lines)',
  record: 'a mapping of keys ("key: value" lines)',
  other: 'another kind of value',
};

function found(f: Found): string {
  switch (f.type) {
    case 'nothing':
      return 'nothing';
    case 'text':
      return `the text "${f.text ?? ''}"`;
    case 'number':
      return `the number ${f.text ?? ''}`;
    case 'boolean':
      return f.text ?? '';
    case 'list':
      return 'a list';
    case 'mapping':
      return 'a mapping';
  }
}

const ID_OF: Record<IdOf, string> = {
  person: 'person',
  unit: 'unit',
  project: 'project',
  'reminder stage': 'reminder stage',
};

const capitalise = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;

export const EN: MessageTable = {
  file_missing: () => 'The schedule file does not exist.',
  file_is_directory: () => 'This is a directory, not a schedule file.',
  file_permission: () => 'The schedule file cannot be read (permission denied).',
  file_unreadable: (p) => `The schedule file cannot be read (${p.reason}).`,
  not_utf8: () =>
    'The file is not UTF-8 text (perhaps it was saved as GBK/ANSI); save it again with UTF-8 encoding.',

  yaml_duplicate_key: () => 'This key appears twice in the same mapping; keep only one.',
  yaml_tab_indent: () => 'Tabs are not allowed for indentation in YAML; indent with spaces.',
  yaml_multiple_docs: () =>
    'The file holds more than one YAML document ("---"); keep only one schedule.',
  yaml_syntax: (p) => `YAML syntax error: ${p.detail}${/[.!?]$/.test(p.detail) ? '' : '.'}`,
  yaml_unresolvable: (p) => `The file cannot be read as YAML: ${p.detail}`,

  empty_file: () =>
    'The file is empty; it must hold the schedule (programme, people, units, projects, cycle, calendar).',
  root_not_mapping: (p) =>
    `The file must be a mapping of keys (programme: …, people: …), not ${found(p.found)}.`,
  required_key: (p) => `The required key "${p.key}" is missing.`,
  no_value: (p) =>
    p.key !== undefined
      ? `"${p.key}" has no value; expected ${EXPECTED[p.expected]}.`
      : `This entry is empty; expected ${EXPECTED[p.expected]}.`,
  wrong_type: (p) => {
    const hint =
      p.hint === 'quote'
        ? ' Put it in quotes if it is meant as text.'
        : p.hint === 'boolean'
          ? ' Write true or false, without quotes.'
          : p.hint === 'list'
            ? ` Write a list even for one entry: [${p.found.text ?? ''}].`
            : '';
    return `Expected ${EXPECTED[p.expected]}, found ${found(p.found)}.${hint}`;
  },
  not_allowed: (p) =>
    `${capitalise(quote(p.value))} is not allowed here: use one of ${p.allowed.join(', ')}${mean(p.suggestion)}.`,
  not_a_year: (p) =>
    `"${p.key}" is not a year: the keys under calendar.years must be four-digit years like 2021.`,
  list_too_short: (p) => `This list needs at least ${p.minimum} entry.`,
  must_not_be_empty: () => 'This must not be empty.',
  unknown_key: (p) =>
    `Unknown key "${p.key}"${mean(p.suggestion)}.` +
    (p.allowed.length ? ` Allowed keys here: ${p.allowed.join(', ')}.` : ''),
  invalid_id: (p) =>
    `${quote(p.value)} is not a valid ${ID_OF[p.idOf]} id: use only lower-case letters, digits, "-" and "_", starting with a letter or digit (like "jiaoyu" or "convenor-1").`,
  invalid_email: (p) =>
    `${quote(p.value)} is not a valid e-mail address (expected something like name@example.cn)${mean(p.suggestion)}.`,
  date_format: (p) => `${quote(p.value)} is not a date written as YYYY-MM-DD (like 2021-03-25).`,
  date_not_real: (p) => `${quote(p.value)} is not a real calendar date.`,
  time_as_number: (p) =>
    `Expected a time like "18:00", found the number ${p.value}; put the time in quotes.`,
  time_format: (p) =>
    `${quote(p.value)} is not a valid time: write HH:MM on a 24-hour clock, from 00:00 to 23:59` +
    `${p.padded ? ` (write "${p.padded}")` : ''}.`,
  weekday: (p) =>
    `${quote(p.value)} is not a weekday: write one of ${p.allowed.join(', ')}${mean(p.suggestion)}.`,
  audience: (p) =>
    `${quote(p.value)} is not an audience: use one of ${p.allowed.join(', ')}${mean(p.suggestion)}.`,
  digest_audience_unit_only: (p) =>
    `The digest covers all projects, so it cannot go to ${quote(p.value)}; use ${p.allowed.join(', ')}.`,
  digest_audience: (p) =>
    `${quote(p.value)} is not a digest audience: use one of ${p.allowed.join(', ')}${mean(p.suggestion)}.`,
  holiday_rule: (p) =>
    `${quote(p.value)} is not allowed: use one of ${p.allowed.join(', ')}${mean(p.suggestion)}.`,
  calendar_entry_format: (p) =>
    `${quote(p.value)} is neither a date (2021-04-05) nor a range of dates (2021-02-11..2021-02-17).`,
  range_reversed: (p) =>
    `The range ${quote(p.value)} ends before it starts; write the earlier date first.`,
  timezone: (p) =>
    `${quote(p.value)} is not an IANA time zone name; write it as Area/City, like ${p.example}` +
    (p.suggestion ? ` (did you mean "${p.suggestion}"?).` : '.'),
  version: () => 'Only version 1 of the schedule format exists; write "version: 1".',
  offset_days_whole: () => 'offset_days must be a whole number of days.',
  offset_days_range: () => 'offset_days must be between -6 and 6: the cycle is weekly.',
  late_window_whole: () => 'late_window_working_days must be a whole number of working days.',
  late_window_negative: () => 'late_window_working_days cannot be negative.',
  late_window_max: () => 'late_window_working_days must be at most 5: the cycle is weekly.',
  unit_addresses_empty: () => 'A unit needs at least one sender address.',
  remind_to_empty: () =>
    'Reminders need at least one recipient; leave "to" out to use the unit’s addresses.',
  lead_units_empty: () => 'A project needs at least one lead unit.',
  targets_empty: () => 'A project needs at least one target.',
  stage_to_empty: () => 'A reminder stage needs at least one audience in "to".',
  digest_to_empty: () => 'The digest needs at least one audience in "to".',
  convenors_empty: () => 'At least one convenor is needed.',
  office_empty: () => 'At least one office member is needed.',
  units_empty: () => 'At least one unit is needed.',
  projects_empty: () => 'At least one project is needed.',
  blue_days_whole: () => 'blue_working_days must be a whole number of working days.',
  blue_days_range: () =>
    'blue_working_days must be between 0 and 30 (0: no blue notice before the time limit).',
  yellow_weeks_whole: () =>
    'yellow_weeks_without_progress must be a whole number of reporting weeks.',
  yellow_weeks_range: () => 'yellow_weeks_without_progress must be between 1 and 12.',
  weights_empty: () =>
    'weights names no fact; give at least one weight, or leave weights out for no score.',
  unknown_fact: (p) =>
    `"${p.fact}" is not an assessment fact${mean(p.suggestion)}. Facts that can be weighted: ${p.allowed.join(', ')}.`,
  other: (p) => p.text,

  person_id_taken: (p) =>
    `The id "${p.id}" is already used by ${ref(p.first)}; every person needs a different id.`,
  head_id_taken: (p) =>
    `The head of unit "${p.unit}" gets the id "${p.generated}", which is already used by ${ref(p.first)}; give the head an "id" of its own.`,
  no_admin: () =>
    'No office member has "admin: true", so nobody will receive configuration errors and alerts.',
  unit_id_taken: (p) => `The unit id "${p.id}" is already used by ${ref(p.first)}.`,
  address_repeated: (p) => `The address "${p.address}" is listed twice for this unit.`,
  address_taken: (p) =>
    `The address "${p.address}" already belongs to unit ${p.unitHasId ? `"${p.unit}"` : p.unit} at ${ref(p.first)}; ` +
    'an address can belong to one unit only, so that duban knows who sent a sheet.',
  address_is_mailbox: (p) =>
    `"${p.address}" is the office mailbox (programme.mailbox); it cannot also be a unit's sender address.`,
  unit_name_taken: (p) =>
    `"${p.name}" is also a name or alias of unit "${p.other}" at ${ref(p.first)}; ` +
    'sheets naming it could not be told apart.',
  project_name_taken: (p) =>
    `"${p.name}" is also a name or alias of project "${p.other}" at ${ref(p.first)}; ` +
    'sheets naming it could not be told apart.',
  project_id_taken: (p) => `The project id "${p.id}" is already used by ${ref(p.first)}.`,
  lead_unit_repeated: (p) => `The lead unit "${p.unit}" is listed twice for this project.`,
  unknown_unit: (p) =>
    `Unit "${p.unit}" is not defined under units` +
    (p.byName && p.suggestion
      ? ` (lead_units takes unit ids: did you mean "${p.suggestion}"?)`
      : mean(p.suggestion)) +
    '.',
  leader_is_chief: (p) =>
    `"${p.leader}" is the chief convenor; the responsible leader must be one of the convenors: ${convenors(p.convenors)}.`,
  leader_is_office: (p) =>
    `"${p.leader}" is an office member; the responsible leader must be one of the convenors: ${convenors(p.convenors)}.`,
  unknown_leader: (p) =>
    `"${p.leader}" is not a convenor id${mean(p.suggestion)}; the responsible leader must be one of: ${convenors(p.convenors)}.`,
  stage_id_taken: (p) => `The reminder stage id "${p.id}" is already used by ${ref(p.first)}.`,
  to_and_cc: (p) =>
    `"${p.audience}" is both in "to" and in "cc"; it will receive the mail once, in "to".`,
  period_reversed: (p) => `The programme ends (${p.to}) before it starts (${p.from}).`,
  date_outside_year: (p) => `${p.date} is not in ${p.year}; list it under years: ${p.other}.`,
  range_outside_year: (p) =>
    `The range "${p.value}" runs outside ${p.year}; split it and list the ${p.other} days under years: ${p.other}.`,
  long_range: (p) =>
    `The range "${p.value}" spans ${p.days} days; public holidays rarely last more than a week, so check the end date.`,
  holiday_and_workday: (p) =>
    `${p.date} is listed both as a holiday at ${ref(p.first)} and as a make-up workday; keep only one.`,
  workday_not_weekend: (p) =>
    `${p.date} is a ${capitalise(p.weekday)}, a working day anyway; make-up workdays (调休) normally fall on a weekend.`,
  no_calendar_year: (p) =>
    `There is no calendar for ${p.year}, when the programme runs: only weekends will count as non-working days. Add its holidays and make-up workdays under years: ${p.year}.`,
};

function convenors(ids: string[]): string {
  return ids.length ? ids.join(', ') : '(no convenors are defined)';
}

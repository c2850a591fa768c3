import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import {
  formatScheduleError,
  loadScheduleFile,
  loadScheduleText,
  type ConfigError,
  type ScheduleResult,
} from '../../src/config/load-schedule';
import { ASSESSMENT_FACT_NAMES } from '../../src/domain/assessment/fact-names';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/schedules');
const EXAMPLE_TEXT = fs.readFileSync(path.join(ROOT, 'config/schedule.example.yaml'), 'utf8');

/** The example with one change applied through the YAML document model. */
function variant(change: (doc: Document) => void): ScheduleResult {
  const doc = parseDocument(EXAMPLE_TEXT);
  change(doc);
  return loadScheduleText(String(doc), 'variant.yaml');
}

function errorsOf(result: ScheduleResult): ConfigError[] {
  if (result.ok) throw new Error('expected the schedule to be rejected');
  return result.errors;
}

/**
 * `path: message` of every error, the form the assertions below read best in. Line references
 * to other places ("(line N)") become "(line N)": a variant is the example re-serialised, so its
 * lines differ from the example's; the broken fixture checks real line references.
 */
function summary(list: ConfigError[]): string[] {
  return list.map((e) => `${e.path}: ${e.message}`.replace(/\(line \d+\)/g, '(line N)'));
}

describe('a schedule with many mistakes (test/fixtures/schedules/broken.yaml)', () => {
  let result: ScheduleResult;
  beforeAll(async () => {
    result = await loadScheduleFile(path.join(FIXTURES, 'broken.yaml'), 'broken.yaml');
  });

  it('reports every mistake at once, each at its line and column', () => {
    expect(errorsOf(result).map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual([
      '6:13 programme.timezone',
      '9:9 programme.active.to',
      '10:12 programme.mailbox',
      '21:11 people.convenors[1].id',
      '28:14 people.office[0].admin',
      '30:5 units[0].addresses',
      '32:5 units[0].adresses',
      '38:17 units[2].addresses[0]',
      '39:9 units[3].id',
      '45:26 projects[0].lead_units[1]',
      '46:25 projects[0].responsible_leader',
      '49:14 projects[0].targets[0].due',
      '52:18 projects[1].lead_units[0]',
      '53:25 projects[1].responsible_leader',
      '54:14 projects[1].targets',
      '57:14 cycle.deadline.weekday',
      '58:11 cycle.deadline.time',
      '63:18 cycle.reminders[0].to[1]',
      '64:11 cycle.reminders[1].id',
      '66:13 cycle.reminders[1].time',
      '71:10 cycle.digest.to[0]',
      '76:11 calendar.years.2021.holidays[0]',
      '77:11 calendar.years.2021.holidays[1]',
      '80:11 calendar.years.2021.workdays[0]',
    ]);
  });

  it('also lists the warnings', () => {
    expect(result.warnings.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual([
      '24:3 people.office',
      '81:11 calendar.years.2021.workdays[1]',
    ]);
  });

  it('words each message for the office admin', () => {
    const messages = summary(errorsOf(result));
    expect(messages).toContain(
      'units[0].adresses: Unknown key "adresses" (did you mean "addresses"?). Allowed keys here: id, name, aliases, addresses, remind, head.',
    );
    expect(messages).toContain(
      'projects[0].lead_units[1]: Unit "jiaotng" is not defined under units (did you mean "jiaotong"?).',
    );
    expect(messages).toContain('units[0].addresses: The required key "addresses" is missing.');
  });

  it('names the line of the other half of a clash', () => {
    const messages = errorsOf(result).map((e) => e.message);
    expect(messages).toContain(
      'The id "convenor-1" is already used by people.convenors[0].id (line 18); every person needs a different id.',
    );
    expect(messages).toContain('The unit id "jiaotong" is already used by units[1].id (line 33).');
  });

  it('formats errors as file:line:column: path: message', () => {
    const first = errorsOf(result)[0];
    expect(first && formatScheduleError(first, 'en')).toBe(
      'broken.yaml:6:13: programme.timezone: "Asia/Shangai" is not an IANA time zone name; write it as Area/City, like Asia/Shanghai (did you mean "Asia/Shanghai"?).',
    );
    const warning = result.warnings[0];
    expect(warning && formatScheduleError(warning, 'en', 'warning')).toMatch(
      /^broken\.yaml:24:3: people\.office: warning: No office member has "admin: true"/,
    );
  });
});

describe('YAML syntax', () => {
  it('reports syntax errors with their position, and nothing else', async () => {
    const result = await loadScheduleFile(path.join(FIXTURES, 'syntax-error.yaml'), 'syntax.yaml');
    expect(errorsOf(result).map((e) => formatScheduleError(e, 'en'))).toEqual([
      'syntax.yaml:8:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ].',
      'syntax.yaml:9:1: This key appears twice in the same mapping; keep only one.',
    ]);
  });

  it('explains tabs used for indentation', () => {
    const errors = errorsOf(loadScheduleText('programme:\n\tname: x\n', 's.yaml'));
    expect(errors[0]).toMatchObject({ line: 2, column: 1 });
    expect(errors[0]?.message).toMatch(/Tabs are not allowed/);
  });

  it('rejects an empty file, and a file that is not a mapping', () => {
    expect(summary(errorsOf(loadScheduleText('', 'e.yaml')))).toEqual([
      ': The file is empty; it must hold the schedule (programme, people, units, projects, cycle, calendar).',
    ]);
    expect(errorsOf(loadScheduleText('- a\n', 'l.yaml'))[0]?.message).toMatch(
      /must be a mapping of keys/,
    );
  });

  it('ignores a UTF-8 byte-order mark', () => {
    expect(loadScheduleText(`\uFEFF${EXAMPLE_TEXT}`, 'bom.yaml').ok).toBe(true);
  });

  it('refuses a file that is not UTF-8 (a GBK file would misread every Chinese name)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-schedule-'));
    const file = path.join(dir, 'gbk.yaml');
    // "名称" in GBK.
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('name: '), Buffer.from([0xc3, 0xfb, 0xb3, 0xc6])]),
    );
    const result = await loadScheduleFile(file, 'gbk.yaml');
    expect(errorsOf(result)[0]?.message).toMatch(/not UTF-8/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('reading the file', () => {
  it('reports a missing file as CONFIG_NOT_FOUND, in one line', async () => {
    const result = await loadScheduleFile('/nonexistent/schedule.yaml', 'schedule.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('CONFIG_NOT_FOUND');
    expect(result.errors.map((e) => formatScheduleError(e, 'en'))).toEqual([
      'schedule.yaml: The schedule file does not exist.',
    ]);
  });
});

describe('shape rules', () => {
  it('rejects unknown keys, lists the allowed ones and suggests the closest', () => {
    const errors = errorsOf(variant((d) => d.setIn(['cycle', 'deadline', 'tiem'], '18:00')));
    expect(summary(errors)).toEqual([
      'cycle.deadline.tiem: Unknown key "tiem" (did you mean "time"?). Allowed keys here: weekday, time.',
    ]);
  });

  it('recognises camelCase written for a snake_case key', () => {
    const errors = errorsOf(
      variant((d) => {
        const project = d.getIn(['projects', 0]) as {
          set(k: string, v: unknown): void;
          delete(k: string): void;
        };
        project.set('leadUnits', ['jiaoyu']);
        project.delete('lead_units');
      }),
    );
    expect(summary(errors)).toContain(
      'projects[0].leadUnits: Unknown key "leadUnits" (did you mean "lead_units"?). Allowed keys here: id, name, aliases, lead_units, responsible_leader, targets.',
    );
  });

  it('reports a missing required key at the mapping that should hold it', () => {
    const text = EXAMPLE_TEXT.replace('  mailbox: duban-inbox@example.cn\n', '');
    const errors = errorsOf(loadScheduleText(text, 'variant.yaml'));
    expect(summary(errors)).toEqual(['programme.mailbox: The required key "mailbox" is missing.']);
    // The programme mapping starts at its first key, "name".
    const nameLine = text.split('\n').indexOf('  name: 2021年第一批“难硬重新”重点项目突破攻坚') + 1;
    expect(errors[0]).toMatchObject({ line: nameLine, column: 3 });
  });

  it('rejects wrong types, with a hint for the usual YAML slips', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'reminders', 0, 'offset_days'], '1')))),
    ).toEqual(['cycle.reminders[0].offset_days: Expected a number, found the text "1".']);
    expect(summary(errorsOf(variant((d) => d.setIn(['units', 0, 'id'], 123))))[0]).toBe(
      'units[0].id: Expected text, found the number 123. Put it in quotes if it is meant as text.',
    );
    expect(
      summary(errorsOf(variant((d) => d.setIn(['units', 0, 'addresses'], 'jiaoyu@example.cn')))),
    ).toEqual([
      'units[0].addresses: Expected a list (lines starting with "- ", or [a, b]), found the text "jiaoyu@example.cn". Write a list even for one entry: [jiaoyu@example.cn].',
    ]);
    expect(
      summary(errorsOf(variant((d) => d.setIn(['calendar', 'remind_on_non_working_days'], 'no')))),
    ).toEqual([
      'calendar.remind_on_non_working_days: Expected true or false, found the text "no". Write true or false, without quotes.',
    ]);
  });

  it('rejects an empty value', () => {
    expect(summary(errorsOf(variant((d) => d.setIn(['programme', 'signature'], null))))).toEqual([
      'programme.signature: "signature" has no value; expected text.',
    ]);
    expect(summary(errorsOf(variant((d) => d.setIn(['programme', 'signature'], ' '))))).toEqual([
      'programme.signature: This must not be empty.',
    ]);
  });

  it('rejects an invalid e-mail address', () => {
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['units', 1, 'addresses', 0], 'weijian.example.cn'))),
      ),
    ).toEqual([
      'units[1].addresses[0]: "weijian.example.cn" is not a valid e-mail address (expected something like name@example.cn).',
    ]);
  });

  it('rejects impossible and malformed dates', () => {
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['projects', 0, 'targets', 0, 'due'], '2021-02-30'))),
      ),
    ).toEqual(['projects[0].targets[0].due: "2021-02-30" is not a real calendar date.']);
    expect(
      summary(errorsOf(variant((d) => d.setIn(['programme', 'active', 'from'], '2021/3/10')))),
    ).toEqual([
      'programme.active.from: "2021/3/10" is not a date written as YYYY-MM-DD (like 2021-03-25).',
    ]);
  });

  it('rejects bad times, and explains an unquoted time read as a number', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'deadline', 'time'], '25:00')))),
    ).toEqual([
      'cycle.deadline.time: "25:00" is not a valid time: write HH:MM on a 24-hour clock, from 00:00 to 23:59.',
    ]);
    expect(summary(errorsOf(variant((d) => d.setIn(['cycle', 'digest', 'time'], 1080))))).toEqual([
      'cycle.digest.time: Expected a time like "18:00", found the number 1080; put the time in quotes.',
    ]);
  });

  it('rejects a bad weekday and suggests the right one', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'digest', 'weekday'], 'Tuesday')))),
    ).toEqual([
      'cycle.digest.weekday: "Tuesday" is not a weekday: write one of monday, tuesday, wednesday, thursday, friday, saturday, sunday (did you mean "tuesday"?).',
    ]);
  });

  it('rejects a time zone that is not an IANA name, including abbreviations Intl would misread', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['programme', 'timezone'], 'Mars/Olympus')))),
    ).toEqual([
      'programme.timezone: "Mars/Olympus" is not an IANA time zone name; write it as Area/City, like Asia/Shanghai.',
    ]);
    // Intl reads "CST" as US Central Time: every deadline would move by 14 hours.
    expect(summary(errorsOf(variant((d) => d.setIn(['programme', 'timezone'], 'CST'))))).toEqual([
      'programme.timezone: "CST" is not an IANA time zone name; write it as Area/City, like Asia/Shanghai (did you mean "Asia/Shanghai"?).',
    ]);
  });

  it('accepts other IANA time zones and defaults to Asia/Shanghai', () => {
    const other = variant((d) => d.setIn(['programme', 'timezone'], 'Asia/Urumqi'));
    expect(other.ok && other.schedule.programme.timezone).toBe('Asia/Urumqi');
    const omitted = variant((d) => d.deleteIn(['programme', 'timezone']));
    expect(omitted.ok && omitted.schedule.programme.timezone).toBe('Asia/Shanghai');
  });

  it('rejects an unknown holiday rule and suggests the closest', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'on_holiday'], 'next_workday')))),
    ).toEqual([
      'cycle.on_holiday: "next_workday" is not allowed: use one of next_working_day, previous_working_day, keep (did you mean "next_working_day"?).',
    ]);
  });

  it('rejects ids that are not short lower-case words', () => {
    expect(summary(errorsOf(variant((d) => d.setIn(['projects', 0, 'id'], 'Project 1'))))).toEqual([
      'projects[0].id: "Project 1" is not a valid project id: use only lower-case letters, digits, "-" and "_", starting with a letter or digit (like "jiaoyu" or "convenor-1").',
    ]);
  });

  it('rejects a reminder offset beyond a week', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'reminders', 2, 'offset_days'], 9)))),
    ).toEqual([
      'cycle.reminders[2].offset_days: offset_days must be between -6 and 6: the cycle is weekly.',
    ]);
  });

  it('rejects a calendar key that is not a year', () => {
    const errors = errorsOf(variant((d) => d.setIn(['calendar', 'years', '21'], {})));
    expect(summary(errors)).toEqual([
      'calendar.years.21: "21" is not a year: the keys under calendar.years must be four-digit years like 2021.',
    ]);
  });

  it('rejects a version other than 1', () => {
    expect(summary(errorsOf(variant((d) => d.set('version', 2))))).toEqual([
      'version: Only version 1 of the schedule format exists; write "version: 1".',
    ]);
  });
});

describe('cross-reference rules', () => {
  it('rejects duplicate unit ids', () => {
    expect(summary(errorsOf(variant((d) => d.setIn(['units', 1, 'id'], 'jiaoyu'))))).toContain(
      'units[1].id: The unit id "jiaoyu" is already used by units[0].id (line N).',
    );
  });

  it('rejects duplicate project ids', () => {
    expect(summary(errorsOf(variant((d) => d.setIn(['projects', 3, 'id'], 'p1'))))).toEqual([
      'projects[3].id: The project id "p1" is already used by projects[0].id (line N).',
    ]);
  });

  it('rejects duplicate person ids, across roles', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['people', 'office', 1, 'id'], 'convenor-2')))),
    ).toEqual([
      'people.office[1].id: The id "convenor-2" is already used by people.convenors[1].id (line N); every person needs a different id.',
    ]);
  });

  it('rejects duplicate reminder stage ids', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'reminders', 2, 'id'], 'morning')))),
    ).toEqual([
      'cycle.reminders[2].id: The reminder stage id "morning" is already used by cycle.reminders[0].id (line N).',
    ]);
  });

  it('rejects an address claimed by two units, whatever its case', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['units', 4, 'addresses', 1], 'JiaoYu@Example.CN')))),
    ).toEqual([
      'units[4].addresses[1]: The address "jiaoyu@example.cn" already belongs to unit "jiaoyu" at units[0].addresses[0] (line N); an address can belong to one unit only, so that duban knows who sent a sheet.',
    ]);
  });

  it('rejects the office mailbox as a unit address', () => {
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['units', 0, 'addresses', 1], 'duban-inbox@example.cn'))),
      ),
    ).toEqual([
      'units[0].addresses[1]: "duban-inbox@example.cn" is the office mailbox (programme.mailbox); it cannot also be a unit\'s sender address.',
    ]);
  });

  it('rejects a name or alias shared by two units (sheets could not tell them apart)', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['units', 1, 'aliases', 1], '教育局')))),
    ).toEqual([
      'units[1].aliases[1]: "教育局" is also a name or alias of unit "jiaoyu" at units[0].aliases[0] (line N); sheets naming it could not be told apart.',
    ]);
  });

  it('rejects a name or alias shared by two projects', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['projects', 1, 'aliases'], ['锦川实验小学项目'])))),
    ).toEqual([
      'projects[1].aliases[0]: "锦川实验小学项目" is also a name or alias of project "p1" at projects[0].name (line N); sheets naming it could not be told apart.',
    ]);
  });

  it('rejects a project naming an unknown unit, suggesting the id', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['projects', 2, 'lead_units', 1], 'xinchen')))),
    ).toEqual([
      'projects[2].lead_units[1]: Unit "xinchen" is not defined under units (did you mean "xincheng"?).',
    ]);
    // The unit's name written where its id belongs.
    expect(
      summary(errorsOf(variant((d) => d.setIn(['projects', 0, 'lead_units', 0], '教育局')))),
    ).toEqual([
      'projects[0].lead_units[0]: Unit "教育局" is not defined under units (lead_units takes unit ids: did you mean "jiaoyu"?).',
    ]);
  });

  it('rejects a responsible leader who is not a convenor', () => {
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['projects', 0, 'responsible_leader'], 'convenor-5'))),
      ),
    ).toEqual([
      'projects[0].responsible_leader: "convenor-5" is not a convenor id (did you mean "convenor-1"?); the responsible leader must be one of: convenor-1, convenor-2, convenor-3, convenor-4.',
    ]);
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['projects', 0, 'responsible_leader'], 'office-director'))),
      ),
    ).toEqual([
      'projects[0].responsible_leader: "office-director" is an office member; the responsible leader must be one of the convenors: convenor-1, convenor-2, convenor-3, convenor-4.',
    ]);
  });

  it('rejects unknown reminder audiences', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'reminders', 1, 'cc', 0], 'head')))),
    ).toEqual([
      'cycle.reminders[1].cc[0]: "head" is not an audience: use one of unit, unit_head, responsible_leader, chief_convenor, convenors, office.',
    ]);
  });

  it('rejects digest audiences that only make sense for one unit', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'digest', 'cc', 0], 'unit_head')))),
    ).toEqual([
      'cycle.digest.cc[0]: The digest covers all projects, so it cannot go to "unit_head"; use chief_convenor, convenors, office.',
    ]);
    expect(
      summary(errorsOf(variant((d) => d.setIn(['cycle', 'digest', 'to', 1], 'convenor')))),
    ).toEqual([
      'cycle.digest.to[1]: "convenor" is not a digest audience: use one of chief_convenor, convenors, office (did you mean "convenors"?).',
    ]);
  });

  it('rejects an active period that ends before it starts', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn(['programme', 'active', 'to'], '2021-03-01')))),
    ).toEqual([
      'programme.active.to: The programme ends (2021-03-01) before it starts (2021-03-10).',
    ]);
  });
});

describe('calendar rules', () => {
  const holidays = ['calendar', 'years', 2021, 'holidays'];
  const workdays = ['calendar', 'years', 2021, 'workdays'];

  it('rejects a range whose end is before its start', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn([...holidays, 1], '2021-02-17..2021-02-11')))),
    ).toEqual([
      'calendar.years.2021.holidays[1]: The range "2021-02-17..2021-02-11" ends before it starts; write the earlier date first.',
    ]);
  });

  it('rejects an impossible date inside a range', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn([...holidays, 1], '2021-02-11..2021-02-30')))),
    ).toEqual(['calendar.years.2021.holidays[1]: "2021-02-30" is not a real calendar date.']);
  });

  it('rejects an entry that is neither a date nor a range', () => {
    expect(
      summary(errorsOf(variant((d) => d.setIn([...holidays, 1], '2021-02-11 - 2021-02-17')))),
    ).toEqual([
      'calendar.years.2021.holidays[1]: "2021-02-11 - 2021-02-17" is neither a date (2021-04-05) nor a range of dates (2021-02-11..2021-02-17).',
    ]);
  });

  it('rejects a holiday outside its year', () => {
    expect(summary(errorsOf(variant((d) => d.setIn([...holidays, 0], '2022-01-01'))))).toEqual([
      'calendar.years.2021.holidays[0]: 2022-01-01 is not in 2021; list it under years: 2022.',
    ]);
    expect(
      summary(errorsOf(variant((d) => d.setIn([...holidays, 0], '2021-12-31..2022-01-02')))),
    ).toEqual([
      'calendar.years.2021.holidays[0]: The range "2021-12-31..2022-01-02" runs outside 2021; split it and list the 2022 days under years: 2022.',
    ]);
  });

  it('rejects a date listed both as a holiday and as a workday', () => {
    expect(summary(errorsOf(variant((d) => d.setIn([...workdays, 0], '2021-02-13'))))).toEqual([
      'calendar.years.2021.workdays[0]: 2021-02-13 is listed both as a holiday at calendar.years.2021.holidays[1] (line N) and as a make-up workday; keep only one.',
    ]);
  });

  it('warns about a make-up workday that is not on a weekend, but accepts it', () => {
    const result = variant((d) => d.setIn([...workdays, 0], '2021-02-08'));
    expect(result.ok).toBe(true);
    expect(summary(result.warnings)).toEqual([
      'calendar.years.2021.workdays[0]: 2021-02-08 is a Monday, a working day anyway; make-up workdays (调休) normally fall on a weekend.',
    ]);
  });

  it('warns about a suspiciously long range', () => {
    const result = variant((d) => d.setIn([...holidays, 1], '2021-02-11..2021-03-17'));
    expect(summary(result.warnings)).toEqual([
      'calendar.years.2021.holidays[1]: The range "2021-02-11..2021-03-17" spans 35 days; public holidays rarely last more than a week, so check the end date.',
    ]);
  });

  it('warns when a year of the programme has no calendar', () => {
    const result = variant((d) => d.setIn(['programme', 'active', 'to'], '2022-06-30'));
    expect(result.ok).toBe(true);
    expect(summary(result.warnings)).toEqual([
      'calendar.years: There is no calendar for 2022, when the programme runs: only weekends will count as non-working days. Add its holidays and make-up workdays under years: 2022.',
    ]);
  });

  it('merges overlapping entries and sorts the dates', () => {
    const result = variant((d) => d.setIn([...holidays, 0], '2021-10-05..2021-10-08'));
    if (!result.ok) throw new Error('expected ok');
    const y = result.schedule.calendar.years[0];
    expect(y?.holidays.filter((h) => h.startsWith('2021-10'))).toEqual([
      '2021-10-01',
      '2021-10-02',
      '2021-10-03',
      '2021-10-04',
      '2021-10-05',
      '2021-10-06',
      '2021-10-07',
      '2021-10-08',
    ]);
  });
});

describe('the supervision office (people.supervision)', () => {
  it('is read with lower-cased addresses, and is optional', () => {
    const result = variant((d) =>
      d.setIn(['people', 'supervision', 0, 'email'], 'Supervision@Example.CN'),
    );
    expect(result.ok && result.schedule.people.supervision).toEqual([
      { id: 'supervision', title: '区政府督查室', email: 'supervision@example.cn' },
    ]);
    const omitted = variant((d) => d.deleteIn(['people', 'supervision']));
    expect(omitted.ok && omitted.schedule.people.supervision).toEqual([]);
  });

  it('shares its ids with every other person', () => {
    expect(
      summary(
        errorsOf(variant((d) => d.setIn(['people', 'supervision', 0, 'id'], 'office-staff'))),
      ),
    ).toEqual([
      'people.supervision[0].id: The id "office-staff" is already used by people.office[1].id (line N); every person needs a different id.',
    ]);
  });

  it('checks its entries like any person', () => {
    expect(
      summary(
        errorsOf(
          variant((d) => d.setIn(['people', 'supervision', 0, 'email'], 'supervision.example.cn')),
        ),
      ),
    ).toEqual([
      'people.supervision[0].email: "supervision.example.cn" is not a valid e-mail address (expected something like name@example.cn).',
    ]);
    expect(
      summary(errorsOf(variant((d) => d.setIn(['people', 'supervision', 0, 'rank'], 1))))[0],
    ).toMatch(/^people\.supervision\[0\]\.rank: Unknown key "rank"/);
  });
});

describe('following up agreed items (follow_up)', () => {
  const followUp = (key: string, value: unknown) =>
    variant((d) => d.setIn(['follow_up', key], value));

  it('reads every setting, and fills the others with the defaults', () => {
    const result = variant((d) =>
      d.set(
        'follow_up',
        d.createNode({
          blue_working_days: 5,
          yellow_weeks_without_progress: 3,
          time: '08:30',
          department_mail: true,
        }),
      ),
    );
    expect(result.ok && result.schedule.followUp).toEqual({
      blueWorkingDays: 5,
      yellowWeeksWithoutProgress: 3,
      time: '08:30',
      departmentMail: true,
    });
    const partial = followUp('blue_working_days', 0);
    expect(partial.ok && partial.schedule.followUp).toEqual({
      blueWorkingDays: 0,
      yellowWeeksWithoutProgress: 2,
      time: '09:00',
      departmentMail: false,
    });
  });

  it('keeps blue_working_days a whole number from 0 to 30', () => {
    expect(summary(errorsOf(followUp('blue_working_days', 2.5)))).toEqual([
      'follow_up.blue_working_days: blue_working_days must be a whole number of working days.',
    ]);
    for (const days of [-1, 31]) {
      expect(summary(errorsOf(followUp('blue_working_days', days)))).toEqual([
        'follow_up.blue_working_days: blue_working_days must be between 0 and 30 (0: no blue notice before the time limit).',
      ]);
    }
    expect(followUp('blue_working_days', 30).ok).toBe(true);
  });

  it('keeps yellow_weeks_without_progress a whole number from 1 to 12', () => {
    expect(summary(errorsOf(followUp('yellow_weeks_without_progress', 1.5)))).toEqual([
      'follow_up.yellow_weeks_without_progress: yellow_weeks_without_progress must be a whole number of reporting weeks.',
    ]);
    for (const weeks of [0, 13]) {
      expect(summary(errorsOf(followUp('yellow_weeks_without_progress', weeks)))).toEqual([
        'follow_up.yellow_weeks_without_progress: yellow_weeks_without_progress must be between 1 and 12.',
      ]);
    }
    expect(followUp('yellow_weeks_without_progress', 12).ok).toBe(true);
  });

  it('checks the time and the department mail switch like the cycle’s', () => {
    expect(summary(errorsOf(followUp('time', '9:00')))).toEqual([
      'follow_up.time: "9:00" is not a valid time: write HH:MM on a 24-hour clock, from 00:00 to 23:59 (write "09:00").',
    ]);
    expect(summary(errorsOf(followUp('time', 540)))).toEqual([
      'follow_up.time: Expected a time like "18:00", found the number 540; put the time in quotes.',
    ]);
    expect(summary(errorsOf(followUp('department_mail', 'yes')))).toEqual([
      'follow_up.department_mail: Expected true or false, found the text "yes". Write true or false, without quotes.',
    ]);
  });

  it('rejects unknown keys in the section', () => {
    expect(summary(errorsOf(followUp('yellow_weeks', 2)))[0]).toMatch(
      /^follow_up\.yellow_weeks: Unknown key "yellow_weeks".*Allowed keys here: blue_working_days, yellow_weeks_without_progress, time, department_mail\.$/,
    );
  });
});

describe('the assessment weights (assessment.weights)', () => {
  const weights = (w: Record<string, unknown>) =>
    variant((d) => d.set('assessment', d.createNode({ weights: w })));

  it('reads the weights the office sets; without them there is no score', () => {
    const result = weights({ onTime: 2, missing: -5, noticesRed: -2.5 });
    expect(result.ok && result.schedule.assessment).toEqual({
      weights: { onTime: 2, missing: -5, noticesRed: -2.5 },
    });
    const none = variant((d) => d.set('assessment', d.createNode({})));
    expect(none.ok && none.schedule.assessment).toEqual({ weights: null });
  });

  it('accepts every assessment fact, and only those', () => {
    const all = Object.fromEntries(ASSESSMENT_FACT_NAMES.map((n) => [n, 1]));
    expect(weights(all).ok).toBe(true);
    for (const notWeighable of ['unit', 'score']) {
      expect(errorsOf(weights({ [notWeighable]: 1 })).map((e) => e.kind)).toEqual(['unknown_fact']);
    }
  });

  it('names an unknown fact at its key, with the closest one', () => {
    const errors = errorsOf(weights({ onTime: 1, itemsOverDue: -3 }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      path: 'assessment.weights.itemsOverDue',
      kind: 'unknown_fact',
      params: { fact: 'itemsOverDue', suggestion: 'itemsOverdue' },
    });
    expect(errors[0]?.message).toMatch(
      /^"itemsOverDue" is not an assessment fact \(did you mean "itemsOverdue"\?\)\. Facts that can be weighted: weeksExpected, onTime, .*, noticesRed\.$/,
    );
  });

  it('rejects a weight that is not a number, and weights that set nothing', () => {
    expect(summary(errorsOf(weights({ onTime: 'two' })))).toEqual([
      'assessment.weights.onTime: Expected a number, found the text "two".',
    ]);
    expect(summary(errorsOf(weights({})))).toEqual([
      'assessment.weights: weights names no fact; give at least one weight, or leave weights out for no score.',
    ]);
  });
});

/** `duban template` and `duban parse`: output, JSON shape and exit codes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { capture, run } from '../helpers/cli';
import { SHEETS_DIR } from '../helpers/sheets';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'duban-sheet-cli-'));

describe('duban template', () => {
  it('writes the unit’s sheet where -o says and exits 0', async () => {
    const out = path.join(tmp(), 'jiaoyu.xlsx');
    const { code, io } = await run([
      'template',
      '--unit',
      'jiaoyu',
      '--week',
      '2021-03-15',
      '-o',
      out,
      '--config',
      'config/schedule.example.yaml',
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('区教育局, week 2021-03-15, 1 project(s), 3 target(s)');
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses a week that is not a Monday, naming the Monday', async () => {
    const { code, io } = await run(['template', '--unit', 'jiaoyu', '--week', '2021-03-16']);
    expect(code).toBe(1);
    expect(io.stderr).toContain(
      '2021-03-16 is not a Monday; a reporting week is named by its Monday (2021-03-15).',
    );
  });

  it('refuses an unknown unit, listing the known ones', async () => {
    const { code, io } = await run([
      'template',
      '--unit',
      'jiaoyv',
      '--week',
      '2021-03-15',
      '--config',
      'config/schedule.example.yaml',
    ]);
    expect(code).toBe(1);
    expect(io.stderr).toContain(
      'no unit "jiaoyv" in the schedule (units: jiaoyu, weijian, jiaotong, xincheng, nongshui, caizheng, ziran, zhujian)',
    );
  });

  it('says on stderr when it falls back to the example schedule', async () => {
    const cwd = tmp();
    const { code, io } = await run(
      ['template', '--unit', 'weijian', '--week', '2021-03-15', '-o', 'w.xlsx'],
      capture({}, cwd),
    );
    expect(code).toBe(0);
    expect(io.stderr).toContain('using the example schedule');
    expect(fs.existsSync(path.join(cwd, 'w.xlsx'))).toBe(true);
  });
});

describe('duban parse', () => {
  it('prints exactly one JSON object with the documented fields and exits 0 for a readable sheet', async () => {
    const { code, io } = await run([
      'parse',
      path.join(SHEETS_DIR, 'openpyxl_official_all4.xlsx'),
      '--json',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(io.stdout);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['ok', 'format', 'unit', 'filledOn', 'projects', 'issues']),
    );
    expect(result).toMatchObject({
      ok: true,
      format: 'xlsx',
      unit: '区发改局',
      filledOn: '2021-03-15',
    });
    expect(result.projects.map((p: { projectId: string }) => p.projectId)).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    expect(Object.keys(result.projects[0])).toEqual(
      expect.arrayContaining([
        'name',
        'projectId',
        'leadUnits',
        'targets',
        'problems',
        'responsibleDepartments',
        'progress',
        'nextSteps',
      ]),
    );
    expect(Object.keys(result.projects[0].problems)).toEqual([
      'approval',
      'funding',
      'land',
      'construction',
      'community',
    ]);
  });

  it('exits 2 with ok: false and the reason for a file it cannot read', async () => {
    const { code, io } = await run([
      'parse',
      path.join(__dirname, '../fixtures/corpus/encrypted__calamine-password.xlsx'),
      '--json',
    ]);
    expect(code).toBe(2);
    const result = JSON.parse(io.stdout);
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'PASSWORD_PROTECTED',
        message: expect.stringContaining('密码'),
      }),
    ]);
  });

  it('shows warnings with their cells in the readable form', async () => {
    const { code, io } = await run(['parse', path.join(SHEETS_DIR, 'openpyxl_dates_mixed.xlsx')]);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/warning DUE_DATE_UNREADABLE E15: 完成时限“.+”无法识别为日期/u);
  });

  it('shows a list of agreed items in the readable form: the meeting, each item, the issues', async () => {
    const list = path.join(__dirname, '../fixtures/decisions/item-list_libreoffice.xlsx');
    const { code, io } = await run(['parse', list]);
    expect(code).toBe(0);
    expect(io.stdout).toContain(
      'a list of agreed items: meeting 区重点项目联合会议第三次会议, 2021-03-16; 4 item(s)',
    );
    expect(io.stdout).toContain('2. 2021-03-31  区财政局  落实首期建设资金 （2000万元）  [C5]');
    expect(io.stdout).toMatch(/warning ITEM_LIST_ROW_INCOMPLETE F7: .*“月底前”/u);
  });

  it('exits 1 for a missing file', async () => {
    const { code, io } = await run(['parse', 'no-such-file.xlsx']);
    expect(code).toBe(1);
    expect(io.stderr).toContain('cannot read no-such-file.xlsx: ENOENT');
  });

  it('has --help on every command', async () => {
    for (const cmd of [['template'], ['parse'], ['config', 'check'], ['migrate'], ['demo']]) {
      const { code, io } = await run([...cmd, '--help']);
      expect(code).toBe(0);
      expect(io.stdout).toMatch(/Usage: duban /);
    }
  });
});

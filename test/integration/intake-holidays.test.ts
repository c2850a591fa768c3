/**
 * `duban ingest` after each long holiday of 2021, as a new user tries it: an ordinary sheet whose
 * 填报时间 is the day it is sent, sent on the Monday after the holiday week, counts on time for
 * that Monday's week (not, late, for the week before), and `duban status` agrees.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { writeTemplate } from '../../src/adapters/excel/template';
import { formatDateZh } from '../../src/domain/week';
import { capture, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';
import { exampleSchedule } from '../helpers/sheets';

/** The unit's template for the week, answered on each project's first row, 填报时间 = `filledOn`. */
async function ordinarySheet(week: string, filledOn: string): Promise<Buffer> {
  const schedule = await exampleSchedule();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({ schedule, unitId: 'jiaoyu', week })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('template without a sheet');
  ws.getCell(4, 1).value = `填报时间：${formatDateZh(filledOn)}`;
  const col = (label: string): number => {
    let found = 0;
    ws.getRow(5).eachCell((cell, n) => {
      if (String(cell.value ?? '').startsWith(label)) found = n;
    });
    return found;
  };
  const answers: Array<[string, string]> = [
    ['存在问题', '施工图审查意见尚未回复'],
    ['问题责任部门', '区住建局'],
    ['协调推进情况', '已召开协调会'],
    ['下阶段工作对策建议', '督促审查单位本周内回复'],
  ];
  const name = col('项目名称');
  ws.eachRow((row, n) => {
    const cell = row.getCell(name);
    if (n <= 5 || !cell.value || (cell.isMerged && Number(cell.master.row) !== n)) return;
    if (String(cell.value).startsWith('填表说明')) return;
    for (const [label, text] of answers) row.getCell(col(label)).value = text;
  });
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** A SQLite installation on the example schedule, edited by `edit`; `duban` runs the CLI on it. */
function installation(name: string, edit: (yaml: string) => string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `duban-intake-${name}-`));
  const config = path.join(dir, 'schedule.yaml');
  const example = path.resolve(__dirname, '../../config/schedule.example.yaml');
  fs.writeFileSync(config, edit(fs.readFileSync(example, 'utf8')));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'duban.sqlite')}`,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DUBAN_CONFIG: config,
    LOG_LEVEL: 'silent',
  };
  const duban = (args: string[]) => run(args, capture(env, dir));
  /** jiaoyu's sheet with 填报时间 `filledOn`, sent Monday `monday` 09:00 Beijing; the JSON outcome. */
  const send = async (monday: string, filledOn: string) => {
    const file = path.join(dir, `${monday}-${filledOn}.eml`);
    fs.writeFileSync(
      file,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        date: new Date(`${monday}T01:00:00Z`),
        attachments: [
          { filename: '问题清单.xlsx', content: await ordinarySheet(monday, filledOn) },
        ],
      }),
    );
    const ingested = await duban(['ingest', file, '--json', '--now', `${monday}T09:05:00+08:00`]);
    expect(ingested.code).toBe(0);
    const o = JSON.parse(ingested.io.stdout) as { outcome: string; week: string; late: boolean };
    expect(o.outcome).toMatch(/^accepted/);
    return { week: o.week, late: o.late };
  };
  const stateOf = async (week: string, now: string): Promise<string | undefined> => {
    const status = await duban(['status', '--week', week, '--json', '--now', now]);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.io.stdout) as {
      units: Array<{ unit: string; state: string }>;
    };
    return report.units.find((u) => u.unit === 'jiaoyu')?.state;
  };
  return { send, stateOf };
}

describe('a Monday sheet after a long holiday, through duban ingest', () => {
  // The example schedule, running from New Year so the Spring Festival week is expected too.
  const { send, stateOf } = installation('holidays', (yaml) =>
    yaml.replace('from: 2021-03-10', 'from: 2021-01-01'),
  );

  it.each([
    ['2021-02-22', '2021-02-15', '春节'],
    ['2021-04-12', '2021-04-05', '清明节'],
    ['2021-05-10', '2021-05-03', '劳动节'],
    ['2021-10-11', '2021-10-04', '国庆节'],
  ])(
    'sent Monday %s at 09:00: on time for that week, the week of %s (%s) not touched',
    async (monday, before) => {
      expect(await send(monday, monday)).toEqual({ week: monday, late: false });
      const evening = `${monday}T20:00:00+08:00`;
      expect(await stateOf(monday, evening)).toBe('on_time');
      expect(await stateOf(before, evening)).toBe('missing');
    },
  );
});

describe('an arrival that could answer two weeks, through duban ingest', () => {
  // Five working days of late window: the week of 04-05 (due Tuesday 04-06) takes late sheets
  // until Tuesday 04-13, so a Monday 04-12 sheet could be its late one or 04-12's on-time one.
  const { send } = installation('ambiguous', (yaml) =>
    yaml.replace('late_window_working_days: 1', 'late_window_working_days: 5'),
  );

  it('goes by the sheet’s 填报时间: the sending day is its own week, on time', async () => {
    expect(await send('2021-04-12', '2021-04-12')).toEqual({ week: '2021-04-12', late: false });
  });

  it('goes by the sheet’s 填报时间: a sheet filled for the week before is late for it', async () => {
    expect(await send('2021-04-12', '2021-04-06')).toEqual({ week: '2021-04-05', late: true });
  });
});

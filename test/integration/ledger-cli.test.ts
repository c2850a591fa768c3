/**
 * `duban ledger`: its help, its usage errors, and the ledger of a SQLite database as text and as
 * a workbook (the ledger's rows are tested in test/unit/decisions-ledger.test.ts, the workbook's
 * layout in ledger-workbook.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { decisionStoreOver } from '../../src/compose/decisions';
import { capture, run } from '../helpers/cli';
import { insertSentNotice } from '../helpers/notice-mail';
import { useTestDatabase } from '../helpers/db';
import { ledgerItem } from '../helpers/ledger-scenario';
import { exampleSchedule } from '../helpers/sheets';

describe('duban ledger', () => {
  it('says what it writes and how', async () => {
    const { code, io } = await run(['ledger', '--help']);
    expect(code).toBe(0);
    expect(io.stdout).toContain('-o, --out <FILE.xlsx>');
    expect(io.stdout).toContain('--now <ISO>');
    expect(io.stdout).toContain('Without -o the ledger is printed as text.');
  });

  it('refuses an output file that is not .xlsx, and a bad --now', async () => {
    const env = { DATABASE_URL: 'sqlite::memory:' };
    const wrong = await run(['ledger', '-o', 'ledger.pdf'], capture(env));
    expect(wrong.code).toBe(1);
    expect(wrong.io.stderr).toContain('duban ledger: -o takes a file name ending in .xlsx');
    const now = await run(['ledger', '--now', 'yesterday'], capture(env));
    expect(now.code).toBe(1);
  });
});

describe('duban ledger over a database', () => {
  const t = useTestDatabase('sqlite');

  it('prints the ledger as text, and writes the workbook with -o', async () => {
    const schedule = await exampleSchedule();
    const store = decisionStoreOver(t.db);
    await store.recordItems(
      [ledgerItem(1, { due: '2021-03-12', text: '完成校舍用地清表' })],
      { by: 'cli', rawMessageId: null },
      new Date('2021-03-02T08:00:00Z'),
    );
    // The follow-up run issued the red notice on the first working day after the time limit.
    await insertSentNotice(t.db, 'notice:20210302-1:red:jiaoyu', '2021-03-15T01:00:00.000Z');
    const env = { DATABASE_URL: t.url };
    const text = await run(['ledger', '--now', '2021-03-19T10:00:00+08:00'], capture(env));
    expect(text.code).toBe(0);
    expect(text.io.stdout).toContain(`${schedule.programme.name}督办台账（截至2021年3月19日）`);
    expect(text.io.stdout).toContain('[红色] 20210302-1 完成校舍用地清表');
    expect(text.io.stdout).toContain('2021-03-02 记录：记录（命令行）');
    expect(text.io.stdout).toContain('duban ledger -o FILE.xlsx');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ledger-cli-'));
    try {
      const file = path.join(dir, 'out', '督办台账.xlsx');
      const written = await run(
        ['ledger', '-o', file, '--now', '2021-03-19T10:00:00+08:00'],
        capture(env),
      );
      expect(written.code).toBe(0);
      expect(written.io.stdout).toContain('1 items (1 open: 1 red');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      expect(wb.getWorksheet('督办台账')?.getCell('A5').value).toBe('20210302-1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

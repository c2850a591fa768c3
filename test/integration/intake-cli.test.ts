/** `duban ingest`, `duban quarantine` and `duban health` through the CLI, on a SQLite file. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { capture, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';
import { SHEETS_DIR } from '../helpers/sheets';

describe('the intake commands', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-intake-cli-'));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'duban.sqlite')}`,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
    LOG_LEVEL: 'silent',
  };
  const duban = (args: string[], extra: Record<string, string> = {}) =>
    run(args, capture({ ...env, ...extra }, dir));

  it('ingests a file: one JSON object, the answer in the outbox; the same file again is a duplicate', async () => {
    const file = path.join(dir, 'sheet.eml');
    fs.writeFileSync(
      file,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        date: new Date('2021-03-15T02:00:00Z'),
        attachments: [
          {
            filename: '问题清单.xlsx',
            content: fs.readFileSync(path.join(SHEETS_DIR, 'openpyxl_single_p1.xlsx')),
          },
        ],
      }),
    );
    const first = await duban(['ingest', file, '--json', '--now', '2021-03-15T10:05:00+08:00']);
    expect(first.code).toBe(0);
    const o = JSON.parse(first.io.stdout);
    expect(Object.keys(o)).toEqual([
      'outcome',
      'reason',
      'unit',
      'week',
      'late',
      'attachments',
      'submissionId',
      'corrections',
      'replies',
    ]);
    expect(o).toMatchObject({
      outcome: 'accepted',
      unit: 'jiaoyu',
      week: '2021-03-15',
      late: false,
    });
    expect(fs.readdirSync(env.OUTBOX_DIR).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const again = await duban(['ingest', file, '--json']);
    expect(JSON.parse(again.io.stdout)).toMatchObject({
      outcome: 'duplicate',
      reason: 'DUPLICATE',
    });
  });

  it('lists a quarantined message and releases it to a unit', async () => {
    const file = path.join(dir, 'stranger.eml');
    fs.writeFileSync(
      file,
      await buildEml({
        from: 'secretary@example.org',
        date: new Date('2021-03-15T03:00:00Z'),
        attachments: [
          {
            filename: 'x.xlsx',
            content: fs.readFileSync(path.join(SHEETS_DIR, 'openpyxl_single_p1.xlsx')),
          },
        ],
      }),
    );
    const ingested = JSON.parse((await duban(['ingest', file, '--json'])).io.stdout);
    expect(ingested).toMatchObject({ outcome: 'quarantined', reason: 'UNKNOWN_SENDER' });
    const list = JSON.parse((await duban(['quarantine', 'list', '--json'])).io.stdout) as Array<{
      id: number;
      from: string;
    }>;
    const held = list.find((m) => m.from === 'secretary@example.org');
    expect(held).toBeDefined();
    const released = await duban([
      'quarantine',
      'release',
      String(held?.id),
      '--unit',
      'jiaoyu',
      '--json',
    ]);
    expect(released.code).toBe(0);
    expect(JSON.parse(released.io.stdout)).toMatchObject({ outcome: 'accepted', unit: 'jiaoyu' });
    const twice = await duban(['quarantine', 'release', String(held?.id), '--unit', 'jiaoyu']);
    expect(twice.code).toBe(1);
  });

  it('reports health: exit 3 while a configured mailbox has never synced, 0 without one', async () => {
    const imap = { IMAP_URL: 'imap://inbox:secret@127.0.0.1:1/INBOX' };
    const bad = await duban(['health', '--json'], imap);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.io.stdout)).toMatchObject({ healthy: false, neverSynced: true });
    expect(bad.io.stdout).not.toContain('secret');
    const good = await duban(['health']);
    expect(good.code).toBe(0);
  });
});

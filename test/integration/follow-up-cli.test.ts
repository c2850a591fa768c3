/**
 * `duban follow-up` over a real database (SQLite): --dry-run shows the notices due and stores
 * nothing; without it they are sent once, and a second run sends nothing new.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decisionStoreOver } from '../../src/compose/decisions';
import { capture, run } from '../helpers/cli';
import { useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(60_000);

describe('duban follow-up on sqlite', () => {
  const t = useTestDatabase('sqlite');

  it('shows the 交办 notices due with --dry-run, then sends each once', async () => {
    const schedule = await exampleSchedule();
    await decisionStoreOver(t.db, schedule).recordItems(
      [
        {
          id: '20210316-1',
          meeting: { date: '2021-03-16', name: '区重点项目联合会议第3次会议' },
          projectId: 'p1',
          projectAsWritten: null,
          text: '落实锦川实验小学项目重新招投标所需资金',
          responsibleUnits: ['caizheng', 'jiaoyu'],
          cooperatingUnits: ['weijian'],
          unmatchedUnits: [],
          due: '2021-04-30',
          note: null,
        },
      ],
      { by: 'cli', rawMessageId: null },
      new Date('2021-03-16T10:00:00Z'),
    );
    const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-follow-up-cli-'));
    const env = { DATABASE_URL: t.url, OUTBOX_DIR: outbox, LOG_LEVEL: 'silent' };
    const args = [
      'follow-up',
      '--now',
      '2021-03-17T09:00:00+08:00',
      '--config',
      'config/schedule.example.yaml',
    ];
    const dry = await run([...args, '--dry-run'], capture(env));
    expect(dry.code).toBe(0);
    expect(dry.io.stdout).toContain('2 follow-up mail(s) would go out');
    expect(dry.io.stdout).toMatch(
      /assignment\s+caizheng\s+to caizheng@example\.cn cc weijian@example\.cn/,
    );
    expect(fs.readdirSync(outbox)).toEqual([]);

    const json = await run([...args, '--dry-run', '--json'], capture(env));
    const report = JSON.parse(json.io.stdout) as {
      now: string;
      mails: Array<{ kind: string; unitId: string; outcome: string }>;
    };
    expect(report.now).toBe('2021-03-17T09:00:00+08:00');
    expect(report.mails.map((m) => `${m.kind} ${m.unitId} ${m.outcome}`).sort()).toEqual([
      'assignment caizheng dry_run',
      'assignment jiaoyu dry_run',
    ]);

    const real = await run(args, capture(env));
    expect(real.code).toBe(0);
    expect(real.io.stdout).toContain('[sent]');
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    const again = await run(args, capture(env));
    expect(again.io.stdout).toContain('no follow-up mail is due');
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
  });
});

/**
 * The README's first command plays the whole loop: two weeks of March 2021 on Dovecot, Redis and
 * SQLite with simulated time, and says what happened. (Real parts; about 15 seconds.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { capture, run } from '../helpers/cli';

jest.setTimeout(120_000);

describe('duban demo', () => {
  it('plays two weeks and a meeting: on time, late, unusable and escalated; receipts, reminders, digests; agreed items closed, yellow and red', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-demo-'));
    const env = {
      DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    };
    const first = await run(['demo'], capture(env, cwd));
    expect(first.code).toBe(0);
    const out = first.io.stdout;
    expect(out).toMatch(/2021-03-15 jiaoyu\s+on_time/);
    expect(out).toMatch(/2021-03-15 weijian\s+on_time.*sent: 问题清单（区卫健局）\.docx/);
    expect(out).toMatch(/2021-03-15 jiaotong\s+late/);
    // 区农水局 sent only a QQ Mail large-attachment link: received, not usable, still escalated.
    expect(out).toMatch(
      /2021-03-15 nongshui\s+invalid\s+2021-03-15 07:40\s+morning, overdue, escalation\s+not usable: CLOUD_LINK \(问题清单（区农水局）\.xlsx\)/,
    );
    expect(out).toMatch(/2021-03-22 nongshui\s+on_time/);
    const MAILS = 'Mails written (27): 11 reminder, 9 reply, 2 digest, 3 assignment, 2 notice';
    expect(out).toContain(MAILS);
    // The joint meeting's items: one confirmed closed, one yellow, one red.
    expect(out).toMatch(/20210316-1\s+jiaoyu\s+2021-03-26\s+closed\s+-/);
    expect(out).toMatch(/20210316-2\s+nongshui\s+2021-03-26\s+open\s+yellow/);
    expect(out).toMatch(/20210316-3\s+jiaotong\s+2021-03-19\s+open\s+red/);
    const loop = path.join(cwd, 'data', 'demo', 'loop');
    expect(fs.existsSync(path.join(loop, '督办台账.xlsx'))).toBe(true);
    const db = { DATABASE_URL: `sqlite:${path.join(loop, 'duban.sqlite')}`, ...env };
    const list = await run(['decisions', 'list', '--json'], capture(db, cwd));
    expect(list.code).toBe(0);
    const { decisions } = JSON.parse(list.io.stdout) as {
      decisions: Array<{ id: string; state: string; colour: string | null }>;
    };
    expect(decisions.map((d) => [d.id, d.state, d.colour])).toEqual([
      ['20210316-1', 'closed', null],
      ['20210316-2', 'open', 'yellow'],
      ['20210316-3', 'open', 'red'],
    ]);
    // The assessment agrees with the status table.
    const assessed = await run(
      ['assessment', '--from', '2021-03-15', '--to', '2021-03-28', '--json'],
      capture(db, cwd),
    );
    expect(assessed.code).toBe(0);
    const facts = new Map(
      (JSON.parse(assessed.io.stdout) as { units: Array<Record<string, unknown>> }).units.map(
        (u) => [u.unit, u],
      ),
    );
    expect(facts.get('nongshui')).toMatchObject({
      weeksExpected: 2,
      onTime: 1,
      missing: 1,
      notUsable: 1,
      noticesYellow: 1,
    });
    expect(facts.get('jiaotong')).toMatchObject({
      weeksExpected: 2,
      onTime: 1,
      late: 1,
      noticesRed: 1,
    });
    expect(facts.get('jiaoyu')).toMatchObject({
      onTime: 2,
      itemsAssigned: 1,
      itemsClosedOnTime: 1,
    });
    // The red notice reached the supervision office and the project's responsible leader.
    const outbox = path.join(loop, 'outbox');
    const red = fs.readdirSync(outbox).find((f) => f.includes('notice_20210316-3_red_jiaotong'));
    expect(red).toBeDefined();
    const eml = fs.readFileSync(path.join(outbox, red ?? ''), 'latin1');
    expect(eml).toMatch(/supervision@example\.cn/);
    expect(eml).toMatch(/convenor-3@example\.cn/);
    for (const week of ['2021-03-15', '2021-03-22']) {
      for (const f of ['digest.html', 'digest.txt', 'digest.xlsx']) {
        expect(fs.existsSync(path.join(loop, `digest-${week}`, f))).toBe(true);
      }
    }
    // Run twice in a row: the same story again.
    const second = await run(['demo'], capture(env, cwd));
    expect(second.code).toBe(0);
    expect(second.io.stdout).toContain(MAILS);
  });
});

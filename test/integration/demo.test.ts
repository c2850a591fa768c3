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
  it('plays two weeks: on time, late, corrected, missing and escalated; receipts, reminders, digests', async () => {
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
    expect(out).toContain('Mails written (21): 11 reminder, 8 reply, 2 digest');
    const loop = path.join(cwd, 'data', 'demo', 'loop');
    for (const week of ['2021-03-15', '2021-03-22']) {
      for (const f of ['digest.html', 'digest.txt', 'digest.xlsx']) {
        expect(fs.existsSync(path.join(loop, `digest-${week}`, f))).toBe(true);
      }
    }
    // Run twice in a row: the same story again.
    const second = await run(['demo'], capture(env, cwd));
    expect(second.code).toBe(0);
    expect(second.io.stdout).toContain('Mails written (21): 11 reminder, 8 reply, 2 digest');
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { startScheduleReload } from '../../src/app/schedule-reload';
import type { Outbox } from '../../src/app/ports/outbox';
import type { ScheduleSource } from '../../src/app/ports/schedule-source';
import { loadScheduleFile, loadScheduleText } from '../../src/config/load-schedule';
import type { OutgoingMail } from '../../src/domain/mail/outgoing-mail';
import { createLogger } from '../../src/log';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'config/schedule.example.yaml');
const EXAMPLE_TEXT = fs.readFileSync(EXAMPLE, 'utf8');

/** A schedule source over a text the test changes. */
function textSource(
  initial: string,
): ScheduleSource & { text: string; read: ScheduleSource['read'] } {
  const source = {
    name: 'config/schedule.yaml',
    text: initial,
    fingerprint: async () => `sha-${source.text.length}`,
    read: async () => ({
      readable: true as const,
      sha256: `sha-${source.text.length}`,
      result: loadScheduleText(source.text, 'config/schedule.yaml'),
    }),
    watch: () => ({ stop: () => undefined }),
  };
  return source;
}

describe('the schedule reload result (read by the console)', () => {
  it('carries the structured errors and their zh-CN lines, and remembers the last reload', async () => {
    const loaded = await loadScheduleFile(EXAMPLE);
    if (!loaded.ok) throw new Error('the example must load');
    let schedule = loaded.schedule;
    const mails: OutgoingMail[] = [];
    const outbox = {
      queue: async (mail: OutgoingMail) => (mails.push(mail), true),
      deliver: async () => 'sent' as const,
    } as unknown as Outbox;
    const source = textSource(EXAMPLE_TEXT);
    const now = new Date('2021-03-15T02:00:00Z');
    const reloader = await startScheduleReload({
      source,
      running: { get: () => schedule, set: (s) => (schedule = s) },
      logger: createLogger('silent'),
      clock: { now: () => now },
      outboxAt: () => outbox,
      from: 'duban-inbox@example.cn',
      claimedBy: 'test',
      watch: false,
      sighup: false,
    });
    expect(reloader.last()).toBeNull();

    source.text = EXAMPLE_TEXT.replace('timezone: Asia/Shanghai', 'timezone: Asia/Shangai');
    const outcome = await reloader.reload('test');
    expect(outcome).toMatchObject({
      result: 'refused',
      mail: 'sent',
      errors: [{ path: 'programme.timezone', kind: 'timezone' }],
    });
    if (outcome.result !== 'refused') throw new Error('expected a refusal');
    expect(outcome.messages).toEqual([
      expect.stringMatching(
        /^config\/schedule\.yaml:\d+:\d+ programme\.timezone：“Asia\/Shangai”不是 IANA 时区名称，请写成“地区\/城市”形式，如 Asia\/Shanghai。您是否要写“Asia\/Shanghai”？$/,
      ),
    ]);
    expect(mails[0]?.text).toContain(outcome.messages[0]);
    expect(reloader.last()).toEqual({ at: now, trigger: 'test', outcome });

    source.text = EXAMPLE_TEXT.replace('- 2021-02-07 #', '- 2021-02-08 #');
    const applied = await reloader.reload('SIGHUP');
    expect(applied).toMatchObject({
      result: 'applied',
      messages: [expect.stringMatching(/：警告：2021-02-08是星期一，本来就是工作日；/)],
    });
    // An unchanged file does not replace the last result.
    expect(await reloader.reload('again')).toEqual({ result: 'unchanged' });
    expect(reloader.last()?.trigger).toBe('SIGHUP');

    // A file gone for a moment (between unlink and rename): why, in the office's words.
    source.read = async () => ({ readable: false, code: 'ENOENT' });
    expect(await reloader.reload('watch')).toEqual({
      result: 'unreadable',
      message: 'ENOENT',
      messages: ['config/schedule.yaml：配置文件不存在。'],
    });
    reloader.stop();
  });
});

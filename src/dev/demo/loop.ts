/**
 * The demo of the whole loop (the README's first command): two weeks of March 2021 for the
 * notice's programme, on real parts — a private Dovecot mailbox, Redis, SQLite, answers written
 * to files — with simulated time: mail is appended with the INTERNALDATE it "arrived" at, and
 * reminders and digests run at their moments, so nothing waits for a real Monday.
 *
 * Week of 2021-03-15: 区教育局 on time; 区卫健局 sends an unreadable .xls, then a corrected sheet;
 * 区交通运输局's sheet arrives late, forwarded by a secretary with a GBK-encoded file name (it
 * also covers 新城投资公司, the project's second lead unit); 区农水局 sends nothing all week
 * (reminded, then escalated) and its head's out-of-office reply lands in the mailbox.
 * After the first week's digest the joint meeting's office mails the meeting's three agreed items
 * (议定事项): duban records them, confirms to the office and sends each responsible unit its 交办
 * notice. Week of 2021-03-22: every unit on time, some problems changed, others not; in their
 * sheets 区教育局 reports its item done (the office confirms it: 办结销号), 区农水局 reports its
 * item 未启动 past half its time (a yellow 督办单 follows) and 区交通运输局's item passed its time
 * limit (a red 督办单, copied to the supervision office and the project's responsible leader).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { startDovecot, type Dovecot } from '../dovecot';
import { unprocessedMessages, unsentQueuedMails } from '../../adapters/storage';
import type { Schedule } from '../../config/schedule';
import { zonedInstant } from '../../domain/calendar';
import {
  filledSheet,
  forwardedWithGbkName,
  mailWithSheet,
  outOfOffice,
  type Answers,
  qqLargeAttachmentMail,
} from './mails';
import { wordTableFromSheet } from './word-sheet';
import { agreedItemsMail, fillItemReports, type DemoItemReport } from './items';
import { templateItemsFor } from '../../app/decisions/template-items';
import { decisionStoreOver } from '../../compose/decisions';
import { openRuntime, type Runtime } from '../../compose/runtime';
import { startService, type Service } from '../../compose/service';

export interface DemoHooks {
  /** Sends the reminders due at `now`; returns how many went out. */
  remind(runtime: Runtime, now: Date): Promise<number>;
  /** Runs the daily follow-up of agreed items at `now`; returns what went out. */
  followUp(runtime: Runtime, now: Date): Promise<string>;
  /** The office confirms an agreed item done (办结销号) at `now`. */
  confirm(runtime: Runtime, itemId: string, now: Date): Promise<string>;
  /** Sends the week's digest at `now`; returns where its files are. */
  digest(runtime: Runtime, week: string, now: Date, outDir: string): Promise<string[]>;
}

export interface DemoEvent {
  at: Date;
  what: string;
  run(ctx: DemoContext): Promise<string>;
}

interface DemoContext {
  /** Messages appended so far: the watcher must have stored this many before time moves on. */
  appended: number;
  runtime: Runtime;
  dovecot: Dovecot;
  schedule: Schedule;
  hooks: DemoHooks;
  outDir: string;
}

export interface DemoReport {
  outDir: string;
  rows: Array<{ at: string; what: string; result: string }>;
  outbox: string;
  digests: string[];
}

const at = (date: string, time: string): Date => zonedInstant(date, time, 'Asia/Shanghai');

function answers(progress: string, funding: string | null): Answers {
  return {
    problems: `项目审批方面：无\n资金概算方面：${funding ?? '无'}\n规划用地方面：无\n工程施工方面：现场施工组织需加强。\n群众工作方面：无`,
    departments: '区财政局、区住建局',
    progress,
    nextSteps: '建议区财政局加快资金拨付；建议区住建局加强现场督导。',
  };
}

/**
 * The unit's sheet for the week as it fills it in: its template (with its open agreed items, as
 * duban pre-fills them), the answers, and its reports on the items.
 */
async function unitSheet(
  ctx: DemoContext,
  unitId: string,
  week: string,
  a: Answers,
  reports: readonly DemoItemReport[],
): Promise<Buffer> {
  const items = await templateItemsFor(decisionStoreOver(ctx.runtime.db, ctx.schedule), unitId);
  const sheet = await filledSheet(ctx.schedule, unitId, week, a, undefined, items);
  return reports.length > 0 ? fillItemReports(sheet, reports) : sheet;
}

function appendSheet(
  unitId: string,
  from: string,
  week: string,
  a: Answers,
  reports: readonly DemoItemReport[] = [],
  filename = '问题清单.xlsx',
) {
  return async (ctx: DemoContext, when: Date): Promise<void> => {
    const sheet = await unitSheet(ctx, unitId, week, a, reports);
    const raw = await mailWithSheet({
      from,
      subject: `${week}问题清单`,
      date: when,
      messageId: `<demo-${randomBytes(6).toString('hex')}@example.cn>`,
      attachments: [{ filename, content: sheet }],
    });
    await ctx.dovecot.append('INBOX', raw, [], when);
  };
}

function mailEvent(
  date: string,
  time: string,
  what: string,
  send: (ctx: DemoContext, when: Date) => Promise<void>,
): DemoEvent {
  const when = at(date, time);
  return {
    at: when,
    what,
    run: async (ctx) => {
      await send(ctx, when);
      ctx.appended++;
      return 'appended';
    },
  };
}

export function demoTimeline(): DemoEvent[] {
  const w1 = '2021-03-15';
  const w2 = '2021-03-22';
  const remind = (date: string, time: string): DemoEvent => ({
    at: at(date, time),
    what: 'reminders due',
    run: async (ctx) => `${await ctx.hooks.remind(ctx.runtime, at(date, time))} sent`,
  });
  const followUp = (date: string): DemoEvent => ({
    at: at(date, '09:00'),
    what: 'follow-up of agreed items',
    run: async (ctx) => ctx.hooks.followUp(ctx.runtime, at(date, '09:00')),
  });
  const digest = (week: string, date: string): DemoEvent => ({
    at: at(date, '08:00'),
    what: `digest for ${week}`,
    run: async (ctx) =>
      (await ctx.hooks.digest(ctx.runtime, week, at(date, '08:00'), ctx.outDir)).join(', '),
  });
  return [
    remind('2021-03-15', '09:00'),
    mailEvent(
      '2021-03-15',
      '10:02',
      '区教育局 sends its sheet',
      appendSheet(
        'jiaoyu',
        '区教育局 <jiaoyu@example.cn>',
        w1,
        answers('已完成工程量清算初审。', '工程量清算审定金额增加，需调整概算。'),
      ),
    ),
    mailEvent(
      '2021-03-15',
      '11:15',
      '区卫健局 sends the sheet as a Word table (.docx)',
      async (ctx, when) => {
        const sheet = await filledSheet(
          ctx.schedule,
          'weijian',
          w1,
          answers('已组织人力、机械进场施工。', null),
        );
        const raw = await mailWithSheet({
          from: '区卫健局 <weijian@example.cn>',
          subject: '问题清单',
          date: when,
          messageId: `<demo-docx-${randomBytes(4).toString('hex')}@example.cn>`,
          attachments: [
            {
              filename: '问题清单（区卫健局）.docx',
              content: await wordTableFromSheet(sheet),
              contentType:
                'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            },
          ],
        });
        await ctx.dovecot.append('INBOX', raw, [], when);
      },
    ),
    mailEvent(
      '2021-03-15',
      '15:40',
      '区农水局 sends a QQ Mail large-attachment link instead of the file',
      async (ctx, when) => {
        const raw = await qqLargeAttachmentMail({
          from: '区农水局 <nongshui@example.cn>',
          date: when,
          messageId: `<demo-link-${randomBytes(4).toString('hex')}@example.cn>`,
          filename: '问题清单（区农水局）.xlsx',
        });
        await ctx.dovecot.append('INBOX', raw, [], when);
      },
    ),
    remind('2021-03-15', '18:30'),
    mailEvent('2021-03-15', '18:31', '区农水局 head: out-of-office reply', async (ctx, when) => {
      await ctx.dovecot.append(
        'INBOX',
        outOfOffice({
          from: 'nongshui-head@example.cn',
          date: when,
          messageId: '<ooo-1@example.cn>',
          inReplyTo: '<reminder@example.cn>',
        }),
        [],
        when,
      );
    }),
    digest(w1, '2021-03-16'),
    remind('2021-03-16', '09:00'),
    mailEvent(
      '2021-03-16',
      '10:00',
      "the office mails the joint meeting's agreed items (3 items)",
      async (ctx, when) => {
        const raw = await agreedItemsMail({
          date: when,
          messageId: `<demo-items-${randomBytes(4).toString('hex')}@example.cn>`,
        });
        await ctx.dovecot.append('INBOX', raw, [], when);
      },
    ),
    followUp('2021-03-17'),
    followUp('2021-03-18'),
    followUp('2021-03-19'),
    followUp('2021-03-22'),
    followUp('2021-03-23'),
    mailEvent(
      '2021-03-16',
      '10:20',
      '区交通运输局 (forwarded by a secretary, GBK file name), late',
      async (ctx, when) => {
        const sheet = await filledSheet(
          ctx.schedule,
          'jiaotong',
          w1,
          answers('征地拆迁扫尾推进中。', null),
        );
        const raw = forwardedWithGbkName({
          from: '区交通运输局 <jiaotong@example.cn>',
          originalFrom: 'project-team@example.cn',
          date: when,
          messageId: `<demo-fwd-${randomBytes(4).toString('hex')}@example.cn>`,
          filename: '泉港高铁站前广场问题清单（交通运输局）.xlsx',
          content: sheet,
        });
        await ctx.dovecot.append('INBOX', raw, [], when);
      },
    ),
    mailEvent(
      '2021-03-22',
      '09:30',
      '区教育局, week 2',
      appendSheet(
        'jiaoyu',
        'jiaoyu@example.cn',
        w2,
        answers('已完成工程量清算。', '工程量清算审定金额增加，需调整概算。'),
        [
          {
            id: '20210316-1',
            progress: '工程量清算已审定，概算调整已报送区财政局。',
            status: '已办结',
          },
        ],
      ),
    ),
    mailEvent(
      '2021-03-22',
      '10:00',
      '区卫健局, week 2',
      appendSheet(
        'weijian',
        'weijian@example.cn',
        w2,
        answers('主体结构外装修推进中。', '外装修追加费用待审核。'),
      ),
    ),
    mailEvent(
      '2021-03-22',
      '11:00',
      '区交通运输局, week 2',
      appendSheet('jiaotong', 'jiaotong@example.cn', w2, answers('场地平整已完成六成。', null), [
        {
          id: '20210316-3',
          progress: '已与沿线群众座谈两次，部分诉求仍在协调。',
          status: '推进中',
        },
      ]),
    ),
    mailEvent(
      '2021-03-22',
      '14:00',
      '区农水局, week 2',
      appendSheet(
        'nongshui',
        'nongshui@example.cn',
        w2,
        answers('截污工程完成1.5公里。', '管线迁改费用约150万元待落实。'),
        [{ id: '20210316-2', progress: '资金来源尚在研究。', status: '未启动' }],
      ),
    ),
    {
      at: at('2021-03-22', '16:00'),
      what: 'the office confirms 20210316-1 done (办结销号)',
      run: async (ctx: DemoContext) =>
        ctx.hooks.confirm(ctx.runtime, '20210316-1', at('2021-03-22', '16:00')),
    },
    remind('2021-03-22', '18:30'),
    digest(w2, '2021-03-23'),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Waits until the watcher stored every appended message, and each is processed and answered. */
async function settle(runtime: Runtime, appended: number, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const future = new Date(Date.now() + 3600_000 * 24 * 365 * 20);
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const stored = await runtime.db.kysely
      .selectFrom('raw_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const pending =
      Math.max(0, appended - Number(stored.n)) +
      (await unprocessedMessages(runtime.db, future)).length +
      (await unsentQueuedMails(runtime.db, future)).length +
      Number(
        (
          await runtime.db.kysely
            .selectFrom('outgoing_mails')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'claimed')
            .executeTakeFirstOrThrow()
        ).n,
      );
    if (pending === 0) return;
    if (Date.now() > end)
      throw new Error(`the demo did not settle: ${pending} item(s) still pending`);
  }
}

export async function runDemoLoop(opts: {
  schedule: Schedule;
  outDir: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  hooks: DemoHooks;
  progress(line: string): void;
}): Promise<DemoReport> {
  const { outDir } = opts;
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  let simNow = at('2021-03-15', '08:00');
  const dovecot = await startDovecot();
  const prefix = `demo-${randomBytes(6).toString('hex')}`;
  let runtime: Runtime | undefined;
  let service: Service | undefined;
  const rows: DemoReport['rows'] = [];
  try {
    runtime = await openRuntime({
      schedule: opts.schedule,
      env: {
        DATABASE_URL: `sqlite:${path.join(outDir, 'duban.sqlite')}`,
        OUTBOX_DIR: path.join(outDir, 'outbox'),
        IMAP_HOST: dovecot.host,
        IMAP_PORT: String(dovecot.port),
        IMAP_SECURE: 'false',
        IMAP_USER: dovecot.user,
        IMAP_PASSWORD: dovecot.password,
        REDIS_URL: opts.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DUBAN_QUEUE_PREFIX: prefix,
        RETRY_DELAY_MS: '200',
      },
      cwd: outDir,
      logger: opts.logger,
      now: () => simNow,
    });
    service = await startService(runtime, { roles: ['watcher', 'intake', 'outbound'] });
    const ctx: DemoContext = {
      appended: 0,
      runtime,
      dovecot,
      schedule: opts.schedule,
      hooks: opts.hooks,
      outDir,
    };
    for (const event of demoTimeline()) {
      simNow = event.at;
      const result = await event.run(ctx);
      await settle(runtime, ctx.appended);
      const when = event.at.toISOString().replace('T', ' ').slice(0, 16);
      rows.push({ at: when, what: event.what, result });
      opts.progress(`${when}Z  ${event.what}: ${result}`);
    }
    return { outDir, rows, outbox: path.join(outDir, 'outbox'), digests: [] };
  } finally {
    await service?.queues.intake.obliterate({ force: true }).catch(() => undefined);
    await service?.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await service?.stop(5_000);
    await runtime?.close();
    await dovecot.dispose();
  }
}

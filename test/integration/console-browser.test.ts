/**
 * The console in a real browser (issue 9): the service's roles web, intake and outbound started as
 * `duban serve` starts them (openRuntime + startService, in-process for a fixed clock: Tuesday
 * 2021-03-16 10:00 in Beijing) on a SQLite database, Debian's chromium through playwright-core, as
 * the office uses it:
 *
 *   a link from `duban login-link --email office@example.cn` → the week board → a unit's page →
 *   download the original sheet (the very bytes received) → /quarantine: release a held message
 *   to its unit, confirmed → the receipt appears among the unit's mails;
 *
 * the same on a 390 px phone (no page wider than the screen), and on neither does a page ask for
 * anything outside this machine (useBrowser() fails the test). With DUBAN_SCREENSHOTS=1 each page
 * is also written to docs/screenshots/ (`npm run screenshots` takes the README's from the demo).
 *
 * The database is made by the real intake (test/helpers/intake.ts): 区教育局's sheet for the week
 * of 2021-03-15 accepted; two sheets for other units sent from addresses the schedule does not
 * know, quarantined (UNKNOWN_SENDER), one released on each viewport.
 *
 * Skipped, naming what is missing, until the console's pieces are on this branch.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { ALL_ROLES, startService, type Role, type Service } from '../../src/compose/service';
import pino from 'pino';
import { migrateToLatest, type Db } from '../../src/adapters/storage';
import type { Schedule } from '../../src/config/schedule';
import { fitsWidth, reveal, screenshot, useBrowser, type Viewport } from '../helpers/browser';
import { capture, ROOT, run } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

const WEEK = '2021-03-15';
const MONDAY_11 = new Date('2021-03-15T03:00:00Z');
/** The console's clock: Tuesday 10:00 in Beijing, the week of 2021-03-15 closed. */
const NOW = new Date('2021-03-16T02:00:00Z');
const OFFICE = 'office@example.cn';
const CONFIG = path.join(ROOT, 'config', 'schedule.example.yaml');

/** What the console needs that is not on this branch yet (empty: run the test). */
function consoleMissing(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(path.join(ROOT, 'src/adapters/web/server.ts'))) {
    missing.push('src/adapters/web/server.ts (buildWebServer)');
  }
  if (!(ALL_ROLES as readonly string[]).includes('web')) {
    missing.push('the `web` role of duban serve (ALL_ROLES in src/compose/service.ts)');
  }
  const commands = path.join(ROOT, 'src/cli/commands');
  const hasLoginLink = fs
    .readdirSync(commands)
    .some((f) =>
      fs.readFileSync(path.join(commands, f), 'utf8').includes(".command('login-link')"),
    );
  if (!hasLoginLink) missing.push('the command duban login-link (src/cli/commands/)');
  return missing;
}

const MISSING = consoleMissing();
if (MISSING.length) {
  console.warn(`console-browser.test.ts is skipped: not on this branch yet: ${MISSING.join('; ')}`);
}
const describeConsole = MISSING.length ? describe.skip : describe;

/** A held message: a unit's sheet sent from an address the schedule does not list. */
interface Held {
  sender: string;
  unitId: string;
  unitName: string;
}

const HELD: Record<Viewport, Held> = {
  desktop: { sender: 'secretary@example.org', unitId: 'weijian', unitName: '区卫健局' },
  phone: { sender: 'assistant@example.org', unitId: 'jiaotong', unitName: '区交通运输局' },
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describeConsole('the console in a browser', () => {
  const b = useBrowser();
  let t: TestDatabase;
  let db: Db;
  let h: IntakeHarness;
  let schedule: Schedule;
  let runtime: Runtime | undefined;
  let service: Service | undefined;
  let base: string;
  let env: Record<string, string>;
  let cwd: string;
  /** The bytes of 区教育局's sheet as sent, to compare with the download. */
  let original: Buffer;

  beforeAll(async () => {
    schedule = await exampleSchedule();
    t = await createTestDatabase('sqlite');
    db = await t.open();
    await migrateToLatest(db);
    h = createIntakeHarness(() => schedule);

    original = await filledTemplate(schedule, 'jiaoyu', { week: WEEK, progress: '主体结构施工。' });
    const accepted = await h.ingest(
      db,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        attachments: [{ filename: '问题清单（区教育局）.xlsx', content: original }],
      }),
      { now: MONDAY_11 },
    );
    expect(accepted.outcome).toMatch(/^accepted/);
    for (const held of Object.values(HELD)) {
      const o = await h.ingest(
        db,
        await buildEml({
          from: held.sender,
          subject: `转发：问题清单（${held.unitName}）`,
          attachments: [
            {
              filename: `问题清单（${held.unitName}）.xlsx`,
              content: await filledTemplate(schedule, held.unitId, {
                week: WEEK,
                progress: '进展顺利。',
              }),
            },
          ],
        }),
        { now: MONDAY_11 },
      );
      expect(o.outcome).toBe('quarantined');
    }
    await db.close();

    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: t.url,
      DUBAN_CONFIG: CONFIG,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      PUBLIC_URL: base,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      DUBAN_QUEUE_PREFIX: `test-console-${randomBytes(6).toString('hex')}`,
      OUTBOX_DIR: path.join(cwd, 'outbox'),
    };
    runtime = await openRuntime({
      schedule,
      env,
      cwd,
      logger: pino({ level: 'silent' }),
      now: () => NOW,
    });
    // `web` is not a Role on a branch without the console (the test is skipped there).
    const roles = ['web', 'intake', 'outbound'] as string[] as Role[];
    service = await startService(runtime, { roles, sweepEveryMs: 1000 });
  });

  afterAll(async () => {
    await service?.queues.intake.obliterate({ force: true }).catch(() => undefined);
    await service?.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await service?.stop(5_000);
    await runtime?.close();
    await h?.close();
    await t?.drop();
    if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
  });

  /** A fresh one-time link, as `duban login-link --email office@example.cn` prints it. */
  async function loginLink(): Promise<string> {
    const { code, io } = await run(
      ['login-link', '--email', OFFICE, '--now', NOW.toISOString()],
      capture(env, cwd),
    );
    if (code !== 0) throw new Error(`duban login-link exited ${code}:\n${io.stderr}`);
    const link = /https?:\/\/\S+/.exec(io.stdout)?.[0];
    if (!link) throw new Error(`no link in the output of duban login-link:\n${io.stdout}`);
    expect(link.startsWith(`${base}/`)).toBe(true);
    return link;
  }

  /** The viewer is signed in when the frame shows the sign-out button (layout.ts). */
  const signedIn = (page: Page) => page.getByRole('button', { name: '退出' });

  /** Opens a fresh link; signed in once a page of the console shows the sign-out button. */
  async function signIn(page: Page, shot: string): Promise<void> {
    await page.goto(`${base}/login`);
    await screenshot(page, `login-${shot}`);
    await page.goto(await loginLink());
    // The link opens a page with one button (a mail scanner's visit does not use the link up).
    const confirm = page.getByRole('button', { name: /^(确认)?登录$/ });
    if (await confirm.count()) {
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        confirm.click(),
      ]);
      expect(`${answer.status()} ${answer.url()}`).toMatch(/^3\d\d /);
      await page.waitForLoadState();
    }
  }

  /** Chooses the unit in a unit picker within `scope` (the held message's entry, or the page). */
  async function chooseUnit(scope: Page | Locator, unitId: string): Promise<void> {
    const select = scope.locator(`select:has(option[value="${unitId}"])`);
    if (await select.count()) await select.first().selectOption(unitId);
  }

  async function walkThrough(page: Page, viewport: Viewport): Promise<void> {
    const shot = viewport === 'phone' ? '390' : '1280';
    const held = HELD[viewport];
    const fits = async (where: string) => {
      if (viewport === 'phone') expect([where, await fitsWidth(page)]).toEqual([where, true]);
    };

    await signIn(page, shot);

    // The week board: 区教育局 sent on time; its name leads to its page.
    await page.goto(`${base}/weeks/${WEEK}`);
    await signedIn(page).waitFor();
    await expect(page.locator('main').textContent()).resolves.toContain('区教育局');
    await fits('week board');
    await screenshot(page, `week-${shot}`);
    await page.locator('main a[href^="/units/jiaoyu"]').first().click();
    await page.waitForURL(`${base}/units/jiaoyu?week=2021-03-15`);
    await expect(page.locator('main').textContent()).resolves.toContain('主体结构施工');
    await fits('unit page');
    await screenshot(page, `unit-${shot}`);

    // The original, byte for byte.
    const file = 'main a[href^="/attachments/"]';
    await reveal(page, file);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(file).first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(fs.readFileSync(await download.path()).equals(original)).toBe(true);

    // The quarantine: release the held message to its unit, confirmed.
    await page.goto(`${base}/quarantine`);
    // The held message's entry: the innermost element with its sender and a release control
    // (转交单位: a link to the confirmation page, or a button).
    const releaseControl = page.locator('a, button').filter({ hasText: /转交|放行/ });
    const item = page
      .locator('main :is(tr, li, article, section, form, div)')
      .filter({ hasText: held.sender })
      .filter({ has: releaseControl })
      .last();
    await expect(item.count()).resolves.toBe(1);
    await fits('quarantine');
    await screenshot(page, `quarantine-${shot}`);
    await chooseUnit(item, held.unitId);
    await item
      .locator('a, button')
      .filter({ hasText: /转交|放行/ })
      .first()
      .click();
    await page.waitForLoadState();
    // The confirmation step (the unit may be asked for here instead).
    await chooseUnit(page, held.unitId);
    await fits('release confirmation');
    await screenshot(page, `release-${shot}`);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: /确认/ }).click(),
    ]);
    // A redirect or a page; 403 would be a missing CSRF token, 401 a lost session.
    expect(`${answer.status()} ${answer.url()}`).toMatch(/^[23]\d\d /);
    await page.waitForLoadState();

    // Its receipt among the unit's mails (the intake answers it as the job runs).
    await until(
      `the receipt to ${held.unitName} on /units/${held.unitId}`,
      async () => {
        await page.goto(`${base}/units/${held.unitId}`);
        return ((await page.locator('main').textContent()) ?? '').includes(
          `已收到：${held.unitName}`,
        );
      },
      20_000,
    );
    await fits('unit page after the release');
    await screenshot(page, `unit-mails-${shot}`);
  }

  it('signs in by link, walks from the week board to a unit, downloads, releases, sees the receipt', async () => {
    const { page } = await b.open('desktop');
    await walkThrough(page, 'desktop');
  });

  it('does the same on a 390 px phone, every page within the screen width', async () => {
    const { page } = await b.open('phone');
    await walkThrough(page, 'phone');
  });
});

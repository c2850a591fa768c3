#!/usr/bin/env node
// The README's pictures of the console: serves a copy of the demo's database with
// `duban serve --roles web`, signs in with a link from `duban login-link`, and photographs the
// main pages in Debian's chromium (through playwright-core; no browser is downloaded) at 1280 px
// and on a 390 px phone:
//
//   npm run demo            (once: data/demo/loop/duban.sqlite, the weeks of March 2021)
//   npm run screenshots     (docs/screenshots/<page>-1280.png and <page>-390.png)
//
// Options: --full-page (whole pages, not the first screen), --config FILE (the schedule the demo
// used; default config/schedule.yaml, else the example), --out DIR (default docs/screenshots).
// Needs Redis like the demo (REDIS_URL, default redis://127.0.0.1:6379), chromium and a CJK font:
// DUBAN_WITH_BROWSER=1 bash scripts/ensure-services.sh installs them. Any request a page makes
// outside this machine is refused and fails the run (the console must work without internet).
// Exit codes: 0 every page written; 1 something missing or a page failed.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { URL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.DUBAN_CHROMIUM || '/usr/bin/chromium';
const DEMO_DB = path.join(ROOT, 'data', 'demo', 'loop', 'duban.sqlite');
const EMAIL = 'office@example.cn';

/** The pages, by file name: the demo's second week, a unit with a late and a refused sheet. */
const PAGES = [
  ['week', '/weeks/2021-03-22'],
  ['unit', '/units/nongshui?week=2021-03-22'],
  ['project', '/projects/p1?week=2021-03-22'],
  ['departments', '/departments?week=2021-03-15'],
  ['messages', '/messages'],
  ['quarantine', '/quarantine'],
  ['digests', '/digests'],
  ['schedule', '/schedule'],
  ['decisions', '/decisions'],
  ['decision', '/decisions/20210316-3'],
  ['ledger', '/ledger'],
  ['assessment', '/assessment?from=2021-03-15&to=2021-03-28'],
];

const VIEWPORTS = [
  ['1280', { viewport: { width: 1280, height: 900 } }],
  [
    '390',
    { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  ],
];

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function schedulePath() {
  const given = option('--config') || process.env.DUBAN_CONFIG;
  if (given) return path.resolve(given);
  const local = path.join(ROOT, 'config', 'schedule.yaml');
  return fs.existsSync(local) ? local : path.join(ROOT, 'config', 'schedule.example.yaml');
}

/** What this checkout lacks to take the pictures (empty: go). */
function missingPieces() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) {
    missing.push(
      `${CHROMIUM}: DUBAN_WITH_BROWSER=1 bash scripts/ensure-services.sh (chromium, fonts-noto-cjk)`,
    );
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'adapters', 'web', 'server.js'))) {
    missing.push('the console (src/adapters/web/server.ts) is not on this branch yet');
  }
  const { ALL_ROLES } = require(path.join(ROOT, 'dist', 'src', 'compose', 'service.js'));
  if (!ALL_ROLES.includes('web')) missing.push('`duban serve` has no `web` role yet');
  const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'duban.js'), '--help'], {
    encoding: 'utf8',
  });
  if (!/login-link/.test(help.stdout || '')) missing.push('`duban login-link` does not exist yet');
  if (!fs.existsSync(DEMO_DB))
    missing.push(`${DEMO_DB} does not exist: run \`npm run demo\` first`);
  return missing;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(base) {
  return new Promise((resolve) => {
    const req = http.get(`${base}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

function isLocalUrl(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

async function main() {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js'), '--quiet']);
  if (built.status !== 0) fail('node scripts/build.js failed (npm run typecheck says why)');
  const missing = missingPieces();
  if (missing.length) fail(`cannot take the console's pictures:\n  - ${missing.join('\n  - ')}`);

  const outDir = path.resolve(option('--out') || path.join(ROOT, 'docs', 'screenshots'));
  const fullPage = process.argv.includes('--full-page');
  // A copy: sign-in links and sessions are not written into the demo's own database.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-screenshots-'));
  fs.copyFileSync(DEMO_DB, path.join(tmp, 'duban.sqlite'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${path.join(tmp, 'duban.sqlite')}`,
    DUBAN_CONFIG: schedulePath(),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    PUBLIC_URL: base,
    OUTBOX_DIR: path.join(tmp, 'outbox'),
    DUBAN_QUEUE_PREFIX: `screenshots-${process.pid}`,
    LOG_LEVEL: 'warn',
  };
  const duban = path.join(ROOT, 'bin', 'duban.js');
  let log = '';
  const serve = spawn(process.execPath, [duban, 'serve', '--roles', 'web'], { cwd: tmp, env });
  serve.stdout.on('data', (d) => (log += d));
  serve.stderr.on('data', (d) => (log += d));

  let browser;
  const problems = new Set();
  try {
    for (let i = 0; !(await healthy(base)); i++) {
      if (serve.exitCode !== null) throw new Error(`duban serve exited ${serve.exitCode}:\n${log}`);
      if (i > 150) throw new Error(`duban serve did not answer ${base}/healthz in 30 s:\n${log}`);
      await sleep(200);
    }
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      chromiumSandbox: false,
      args: [
        '--disable-dev-shm-usage',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
      ],
    });
    fs.mkdirSync(outDir, { recursive: true });
    for (const [width, options] of VIEWPORTS) {
      const link = spawnSync(process.execPath, [duban, 'login-link', '--email', EMAIL], {
        cwd: tmp,
        env,
        encoding: 'utf8',
      });
      const url = /https?:\/\/\S+/.exec(link.stdout || '');
      if (link.status !== 0 || !url) {
        throw new Error(`duban login-link --email ${EMAIL} failed:\n${link.stderr}${link.stdout}`);
      }
      const context = await browser.newContext({
        ...options,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      await context.route('**/*', (route) => {
        const requested = route.request().url();
        if (isLocalUrl(requested)) return route.continue();
        let from = '';
        try {
          from = ` ${new URL(route.request().frame().url()).pathname}`;
        } catch {
          // Not a page's request.
        }
        problems.add(`${width} px:${from} asked for ${requested} (outside this machine)`);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      await page.goto(url[0]);
      const signOut = page.getByRole('button', { name: '退出' });
      if (!(await signOut.count())) await page.getByRole('button', { name: /登录/ }).click();
      await signOut.waitFor({ timeout: 10_000 });
      for (const [name, pathname] of PAGES) {
        const response = await page.goto(`${base}${pathname}`);
        if (!response || response.status() !== 200) {
          problems.add(
            `${width} px: ${pathname} answered ${response ? response.status() : 'nothing'}`,
          );
          continue;
        }
        const file = path.join(outDir, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage, animations: 'disabled' });
        console.log(path.relative(ROOT, file));
      }
      await context.close();
    }
  } finally {
    if (browser) await browser.close();
    if (serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (problems.size) {
    fail(`some pictures are missing or wrong:\n  - ${[...problems].join('\n  - ')}`);
  }
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));

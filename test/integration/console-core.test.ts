/**
 * The console's core: access rules walked over consoleRoutes itself, sign-in by one-time link,
 * sessions, security headers, and `duban login-link`. SQLite, fastify inject, a fixed clock.
 */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { auditEntries, type Db } from '../../src/adapters/storage';
import type { WebDeps } from '../../src/adapters/web/deps';
import type { ConsoleRoute } from '../../src/adapters/web/route';
import { consoleRoutes } from '../../src/adapters/web/routes';
import type { OperatorDeps } from '../../src/adapters/web/routes/operator';
import type { OpsRouteDeps } from '../../src/adapters/web/routes/ops';
import type { OfficeDeps } from '../../src/adapters/web/routes/office';
import { SAME_ANSWER } from '../../src/adapters/web/routes/sign-in';
import { buildWebServer, CONSOLE_CSP, isDownload } from '../../src/adapters/web/server';
import { issueLoginLink, sha256Text, startSession } from '../../src/adapters/web/sign-in';
import { parseWebEnv } from '../../src/config/env/web';
import type { Schedule } from '../../src/config/schedule';
import type { OutgoingMail } from '../../src/domain/mail/outgoing-mail';
import { capture, run } from '../helpers/cli';
import { useTestDatabase } from '../helpers/db';
import { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { exampleSchedule } from '../helpers/sheets';

const ADMIN = 'office@example.cn';
const OFFICE = 'office-staff@example.cn';
const LEADER = 'convenor-1@example.cn';
const T0 = new Date('2021-03-17T02:00:00Z'); // Wednesday 10:00 in Asia/Shanghai

const t = useTestDatabase('sqlite');
let schedule: Schedule;
beforeAll(async () => {
  schedule = await exampleSchedule();
});

interface Harness {
  app: FastifyInstance;
  deps: WebDeps;
  mails: OutgoingMail[];
  clock: { now: Date };
}

function harness(
  db: Db,
  env: Record<string, string> = {},
  routes?: (deps: WebDeps) => ConsoleRoute[],
): Harness {
  const mails: OutgoingMail[] = [];
  const clock = { now: T0 };
  const web = parseWebEnv(env);
  if (!web.ok) throw new Error(web.problems.join(' '));
  const deps: WebDeps = {
    db,
    schedule: () => schedule,
    now: () => clock.now,
    web: web.value,
    mailFrom: 'duban@example.cn',
    sendMail: async (m) => void mails.push(m),
    logger: pino({ level: 'silent' }),
    // The office pages' ports are not exercised here: only their access rules are.
    office: {} as OfficeDeps,
    operator: {} as OperatorDeps,
    ops: {} as OpsRouteDeps,
    decisions: new MemoryDecisionStore(),
  };
  const app = buildWebServer(deps, routes ? { routes: routes(deps) } : {});
  return { app, deps, mails, clock };
}

async function sessionCookie(
  db: Db,
  email: string,
  at: Date = T0,
): Promise<{ cookie: string; csrf: string }> {
  const s = await startSession(db, email, at);
  return { cookie: `duban_session=${s.id}`, csrf: s.csrfToken };
}

/** '/units/:id' → '/units/1'. */
const concrete = (url: string): string => url.replace(/:[A-Za-z_]+/g, '1');

/** A route of each access, added to the real list so the walk covers every kind. */
const PROBES: ConsoleRoute[] = (['leader', 'office', 'admin'] as const).flatMap((access) => [
  { method: 'GET', url: `/probe/${access}`, access, handler: async () => 'ok' },
  { method: 'GET', url: `/probe/${access}/download`, access, handler: async () => 'ok' },
  { method: 'POST', url: `/probe/${access}`, access, handler: async () => 'ok' },
]);

describe('access rules on every route of consoleRoutes', () => {
  let h: Harness;
  beforeAll(() => {
    h = harness(t.db, {}, (deps) => [...consoleRoutes(deps), ...PROBES]);
  });
  const routes = (): ConsoleRoute[] => [...consoleRoutes(h.deps), ...PROBES];

  it('sends a visitor without a session to the login page (pages) or answers 401', async () => {
    for (const route of routes()) {
      if (route.access === 'operator' || route.access === 'public') continue;
      const res = await h.app.inject({ method: route.method, url: concrete(route.url) });
      if (route.method === 'GET' && !isDownload(route)) {
        expect([route.url, res.statusCode]).toEqual([route.url, 302]);
        expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(concrete(route.url))}`);
      } else {
        expect([route.url, res.statusCode]).toEqual([route.url, 401]);
      }
    }
  });

  it('refuses a leader on office and admin routes, and an office member on admin routes', async () => {
    const leader = await sessionCookie(t.db, LEADER);
    const office = await sessionCookie(t.db, OFFICE);
    for (const route of routes()) {
      const who =
        route.access === 'office' || route.access === 'admin'
          ? [leader, ...(route.access === 'admin' ? [office] : [])]
          : [];
      for (const s of who) {
        const res = await h.app.inject({
          method: route.method,
          url: concrete(route.url),
          headers: { cookie: s.cookie },
          ...(route.method === 'POST' ? { payload: { _csrf: s.csrf } } : {}),
        });
        expect([route.url, res.statusCode]).toEqual([route.url, 403]);
        expect(res.body).toContain('无权访问');
      }
    }
  });

  it('refuses every signed-in POST without the session’s CSRF token', async () => {
    const other = await sessionCookie(t.db, OFFICE);
    for (const route of routes()) {
      if (route.method !== 'POST' || route.access === 'public' || route.access === 'operator')
        continue;
      // Its own session per route: the accepted POST may be /logout.
      const admin = await sessionCookie(t.db, ADMIN);
      for (const payload of [{}, { _csrf: other.csrf }, { _csrf: '' }]) {
        const res = await h.app.inject({
          method: 'POST',
          url: concrete(route.url),
          headers: { cookie: admin.cookie },
          payload,
        });
        expect([route.url, res.statusCode]).toEqual([route.url, 403]);
      }
      const ok = await h.app.inject({
        method: 'POST',
        url: concrete(route.url),
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      });
      // Past the guard (the handler's own answer may be anything but a refusal).
      expect([route.url, [401, 403].includes(ok.statusCode)]).toEqual([route.url, false]);
    }
  });

  it('puts the security headers on every response, 404 included, in zh-CN', async () => {
    for (const url of ['/login', '/nowhere', '/assets/console.css']) {
      const res = await h.app.inject({ url });
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    const missing = await h.app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('页面不存在');
    const css = await h.app.inject({ url: '/assets/console.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toContain('overflow-x: auto');
  });

  it('guards what is mounted outside the route list, with its own CSP under its prefix', async () => {
    const mounted = harness(t.db);
    const app = buildWebServer(mounted.deps, {
      cspByPrefix: { '/ops/queues': "default-src 'self'; script-src 'self'" },
      extend: (scope, guard) => {
        scope.get('/ops/queues', { preHandler: guard('admin') }, async () => 'board');
      },
    });
    const office = await sessionCookie(t.db, OFFICE);
    const admin = await sessionCookie(t.db, ADMIN);
    expect((await app.inject({ url: '/ops/queues' })).headers.location).toMatch(/^\/login\?next=/);
    const refused = await app.inject({ url: '/ops/queues', headers: { cookie: office.cookie } });
    expect(refused.statusCode).toBe(403);
    const shown = await app.inject({ url: '/ops/queues', headers: { cookie: admin.cookie } });
    expect(shown.body).toBe('board');
    expect(shown.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self'");
    const missing = await app.inject({ url: '/nowhere', headers: { cookie: admin.cookie } });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('退出');
  });

  it('keeps a route’s own CSP (a framed stored mail), framed by the console only', async () => {
    const own = harness(t.db, {}, () => [
      {
        method: 'GET',
        url: '/framed',
        access: 'public',
        handler: async (_req, reply) =>
          reply.header('content-security-policy', "default-src 'none'").send('x'),
      },
    ]);
    const res = await own.app.inject({ url: '/framed' });
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('answers an error with a plain page, never the stack or message', async () => {
    const failing = harness(t.db, {}, () => [
      {
        method: 'GET',
        url: '/boom',
        access: 'public',
        handler: async () => {
          throw new Error('secret detail at /srv/duban/x.ts:12');
        },
      },
    ]);
    const res = await failing.app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('出错了');
    expect(res.body).not.toMatch(/secret detail|x\.ts|at /);
  });

  it('sends / to this week’s board in the programme’s time zone', async () => {
    // Sunday 2021-03-21 17:00 UTC is Monday 01:00 in Asia/Shanghai: the new week.
    h.clock.now = new Date('2021-03-21T17:00:00Z');
    const s = await sessionCookie(t.db, LEADER, h.clock.now);
    const res = await h.app.inject({ url: '/', headers: { cookie: s.cookie } });
    h.clock.now = T0;
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/weeks/2021-03-22');
    const board = await h.app.inject({ url: '/weeks/2021-03-22', headers: { cookie: s.cookie } });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('退出');
  });
});

function cookieOf(res: { cookies: Array<{ name: string; value: string }> }): string {
  const c = res.cookies.find((x) => x.name === 'duban_session');
  if (!c) throw new Error('no session cookie');
  return `duban_session=${c.value}`;
}

const tokenOf = (url: string): string => new URL(url).pathname.split('/').pop() ?? '';

describe('signing in by a one-time link', () => {
  it('gives the same answer for a known and an unknown address, and mails only the known', async () => {
    const h = harness(t.db);
    const known = await h.app.inject({ method: 'POST', url: '/login', payload: { email: OFFICE } });
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'stranger@example.org' },
    });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.body).toContain(SAME_ANSWER);
    expect(unknown.body.replace('stranger@example.org', '')).toBe(known.body.replace(OFFICE, ''));
    expect(h.mails.map((m) => m.to[0]?.address)).toEqual([OFFICE]);
    const mail = h.mails[0];
    expect(mail?.key).toMatch(/^login:[0-9a-f]{64}$/);
    expect(mail?.text).toContain('http://127.0.0.1:8080/login/');
    const requested = await auditEntries(t.db, { event: 'console.login_link_requested' });
    expect(requested.length).toBeGreaterThanOrEqual(2);
  });

  it('shows a button on GET, signs in on POST once, with a new session id', async () => {
    const h = harness(t.db);
    const link = await issueLoginLink(t.db, {
      email: LEADER,
      publicUrl: 'http://127.0.0.1:8080',
      now: T0,
      next: '/units/jiaoyu',
    });
    const token = tokenOf(link.url);
    const old = await sessionCookie(t.db, LEADER);
    // A mail scanner fetching the link twice does not use it.
    for (let i = 0; i < 2; i++) {
      const shown = await h.app.inject({ url: `/login/${token}?next=%2Funits%2Fjiaoyu` });
      expect(shown.statusCode).toBe(200);
      expect(shown.body).toContain('<button type="submit">登录</button>');
    }
    const used = await h.app.inject({
      method: 'POST',
      url: `/login/${token}`,
      headers: { cookie: old.cookie },
      payload: { next: '/units/jiaoyu' },
    });
    expect(used.statusCode).toBe(303);
    expect(used.headers.location).toBe('/units/jiaoyu');
    const fresh = cookieOf(used);
    expect(fresh).not.toBe(old.cookie);
    const c = used.cookies.find((x) => x.name === 'duban_session');
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c?.secure).toBeFalsy();
    // The old id no longer opens anything; the new one does.
    const withOld = await h.app.inject({ url: '/', headers: { cookie: old.cookie } });
    expect(withOld.statusCode).toBe(302);
    expect(withOld.headers.location).toMatch(/^\/login/);
    const withNew = await h.app.inject({ url: '/', headers: { cookie: fresh } });
    expect(withNew.headers.location).toMatch(/^\/weeks\//);
    // Once only.
    const again = await h.app.inject({ method: 'POST', url: `/login/${token}` });
    expect(again.statusCode).toBe(410);
    expect((await h.app.inject({ url: `/login/${token}` })).statusCode).toBe(410);
    const signedIn = await auditEntries(t.db, { event: 'console.signed_in' });
    expect(signedIn.map((e) => e.actor)).toContain(`web:${LEADER}`);
  });

  it('refuses a link after 15 minutes', async () => {
    const h = harness(t.db);
    const link = await issueLoginLink(t.db, { email: OFFICE, publicUrl: 'http://x', now: T0 });
    h.clock.now = new Date(T0.getTime() + 15 * 60_000 + 1000);
    const res = await h.app.inject({ method: 'POST', url: `/login/${tokenOf(link.url)}` });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('已过期');
  });

  it('stores neither the token nor the session id, only their hashes', async () => {
    const link = await issueLoginLink(t.db, { email: OFFICE, publicUrl: 'http://x', now: T0 });
    const s = await startSession(t.db, OFFICE, T0);
    const tokens = await t.db.kysely.selectFrom('login_tokens').selectAll().execute();
    const sessions = await t.db.kysely.selectFrom('console_sessions').selectAll().execute();
    expect(JSON.stringify(tokens)).not.toContain(tokenOf(link.url));
    expect(JSON.stringify(sessions)).not.toContain(s.id);
  });

  it('limits link requests per address, with a zh-CN message', async () => {
    const h = harness(t.db);
    const ask = () =>
      h.app.inject({ method: 'POST', url: '/login', payload: { email: 'convenor-2@example.cn' } });
    for (let i = 0; i < 5; i++) expect((await ask()).statusCode).toBe(200);
    const limited = await ask();
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('过于频繁');
    expect(h.mails).toHaveLength(5);
    h.clock.now = new Date(T0.getTime() + 15 * 60_000);
    expect((await ask()).statusCode).toBe(200);
  });

  it('limits link requests per client address whatever the address asked for', async () => {
    const h = harness(t.db);
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/login',
        payload: { email: `nobody-${i}@example.org` },
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true);
    expect(codes[20]).toBe(429);
  });

  it('signs out a session idle longer than CONSOLE_IDLE_MINUTES', async () => {
    const h = harness(t.db, { CONSOLE_IDLE_MINUTES: '60' });
    const s = await sessionCookie(t.db, OFFICE);
    h.clock.now = new Date(T0.getTime() + 59 * 60_000);
    expect(
      (await h.app.inject({ url: '/', headers: { cookie: s.cookie } })).headers.location,
    ).toMatch(/^\/weeks\//);
    // Used at minute 59: idle counts from there.
    h.clock.now = new Date(T0.getTime() + 118 * 60_000);
    expect(
      (await h.app.inject({ url: '/', headers: { cookie: s.cookie } })).headers.location,
    ).toMatch(/^\/weeks\//);
    h.clock.now = new Date(T0.getTime() + 179 * 60_000);
    const res = await h.app.inject({ url: '/', headers: { cookie: s.cookie } });
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('marks the cookie Secure when PUBLIC_URL is https, and signs out on /logout', async () => {
    const h = harness(t.db, { PUBLIC_URL: 'https://duban.example.cn/' });
    expect(h.deps.web.publicUrl).toBe('https://duban.example.cn');
    const link = await issueLoginLink(t.db, {
      email: ADMIN,
      publicUrl: h.deps.web.publicUrl,
      now: T0,
    });
    expect(link.url).toMatch(/^https:\/\/duban\.example\.cn\/login\/[A-Za-z0-9_-]{43}$/);
    const res = await h.app.inject({ method: 'POST', url: `/login/${tokenOf(link.url)}` });
    const c = res.cookies.find((x) => x.name === 'duban_session');
    expect(c?.secure).toBe(true);
    expect(c?.httpOnly).toBe(true);
    const cookie = cookieOf(res);
    const row = await t.db.kysely
      .selectFrom('console_sessions')
      .select('csrf_token')
      .where('id_hash', '=', sha256Text(cookie.split('=')[1] ?? ''))
      .executeTakeFirstOrThrow();
    const out = await h.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie },
      payload: { _csrf: row.csrf_token },
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await h.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(302);
    const signedOut = await auditEntries(t.db, { event: 'console.signed_out' });
    expect(signedOut.map((e) => e.actor)).toContain(`web:${ADMIN}`);
  });

  it('refuses a cross-site POST to the login form by its Origin', async () => {
    const h = harness(t.db);
    const res = await h.app.inject({
      method: 'POST',
      url: '/login',
      headers: { origin: 'https://evil.example.org' },
      payload: { email: OFFICE },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('duban login-link', () => {
  it('prints a working link for a person the schedule lists', async () => {
    const env = { DATABASE_URL: t.url, PUBLIC_URL: 'https://duban.example.cn' };
    const { code, io } = await run(
      ['login-link', '--email', 'Office@Example.cn', '--json'],
      capture(env),
    );
    expect(code).toBe(0);
    const out = JSON.parse(io.stdout) as { url: string; role: string; email: string };
    expect(out).toMatchObject({ email: ADMIN, role: 'admin' });
    expect(out.url).toMatch(/^https:\/\/duban\.example\.cn\/login\//);
    const h = harness(t.db);
    h.clock.now = new Date();
    const used = await h.app.inject({ method: 'POST', url: `/login/${tokenOf(out.url)}` });
    expect(used.statusCode).toBe(303);
    const issued = await auditEntries(t.db, { event: 'console.login_link_issued' });
    expect(issued.map((e) => e.actor)).toContain('cli');
  });

  it('refuses an unknown address with exit 1', async () => {
    const { code, io } = await run(
      ['login-link', '--email', 'stranger@example.org'],
      capture({ DATABASE_URL: t.url }),
    );
    expect(code).toBe(1);
    expect(io.stderr).toContain('not in the schedule');
    expect(io.stdout).toBe('');
  });
});

describe('sign-in records on PostgreSQL', () => {
  const pg = useTestDatabase('postgres');

  it('uses a link once and keeps sessions by their hash', async () => {
    const link = await issueLoginLink(pg.db, { email: OFFICE, publicUrl: 'http://x', now: T0 });
    const h = harness(pg.db);
    const token = tokenOf(link.url);
    expect((await h.app.inject({ url: `/login/${token}` })).statusCode).toBe(200);
    const used = await h.app.inject({ method: 'POST', url: `/login/${token}` });
    expect(used.statusCode).toBe(303);
    expect((await h.app.inject({ method: 'POST', url: `/login/${token}` })).statusCode).toBe(410);
    const home = await h.app.inject({ url: '/', headers: { cookie: cookieOf(used) } });
    expect(home.headers.location).toMatch(/^\/weeks\/\d{4}-\d{2}-\d{2}$/);
  });
});

/**
 * The console's HTTP server (fastify): security headers on every response, the stylesheet, and
 * every route of routes/index.ts registered through one wrapper that applies the route's access
 * (src/adapters/web/route.ts):
 * - no session: pages (GET) redirect to /login?next=…; downloads and POST actions get 401;
 * - a role below the route's access: 403;
 * - a POST without the session's CSRF token (`_csrf` field or `x-csrf-token` header): 403.
 * A GET route is a download (401, not a redirect) when its url has a /download, /raw, /files or
 * /attachments segment or ends in a file extension (e.g. '/messages/:id.eml').
 * Errors are logged and answered with a plain zh-CN page: no stack, no message ever leaks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { PACKAGE_ROOT } from '../../paths';
import type { WebDeps } from './deps';
import { html } from './html';
import { page } from './layout';
import { allowed, type Access, type ConsoleRoute, type PageContext, type Viewer } from './route';
import { consoleRoutes } from './routes';
import { openSession, sameSecret, SESSION_COOKIE, type OpenSession } from './sign-in';

export const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'";

export interface WebServerOptions {
  /** The routes to serve (default consoleRoutes(deps)); tests of one module pass their own. */
  routes?: readonly ConsoleRoute[];
  /**
   * A different Content-Security-Policy under a path prefix (e.g. Bull Board under /ops, which
   * needs its own scripts and styles, all served locally): the longest matching prefix wins.
   */
  cspByPrefix?: Readonly<Record<string, string>>;
  /** Registers what is not a ConsoleRoute (e.g. Bull Board's plugin), after the routes. */
  extend?: (
    app: FastifyInstance,
    /** A preHandler for a given access: sign-in, role and CSRF as for a ConsoleRoute. */
    guard: (access: Access) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>,
  ) => Promise<void> | void;
}

const STYLESHEET = path.join(PACKAGE_ROOT, 'src', 'adapters', 'web', 'assets', 'console.css');

/** Whether a GET route serves a file (401 without sign-in) rather than a page (redirect). */
export function isDownload(route: Pick<ConsoleRoute, 'method' | 'url'>): boolean {
  if (route.method !== 'GET') return false;
  return (
    /\/(download|raw|files?|attachments?)(\/|$)/.test(route.url) || /\.[a-z0-9]+$/i.test(route.url)
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, resolved once per request (null when none). */
    consoleSession: OpenSession | null;
  }
}

function plainPage(ctx: PageContext, title: string, text: string): string {
  return page({ title, ctx, body: html`<p>${text}</p>` });
}

export function buildWebServer(deps: WebDeps, options: WebServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    // The office's reverse proxy on the same host or a container network: trust its
    // X-Forwarded-* headers (client address for the rate limit, https).
    trustProxy: 'loopback,uniquelocal',
    bodyLimit: 64 * 1024,
  });
  const prefixes = Object.entries(options.cspByPrefix ?? {}).sort(
    (a, b) => b[0].length - a[0].length,
  );
  const cspFor = (url: string): string =>
    prefixes.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`))?.[1] ?? CONSOLE_CSP;

  void app.register(cookie);
  void app.register(formbody);
  app.decorateRequest('consoleSession', null);

  app.addHook('onSend', async (req, reply, payload) => {
    // A route that sets its own policy keeps it (a stored digest shown in a sandboxed frame of
    // the console): it may then be framed by the console itself, never by another site.
    const own = reply.hasHeader('Content-Security-Policy');
    if (!own) reply.header('Content-Security-Policy', cspFor(req.url.split('?')[0] ?? '/'));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    if (!reply.hasHeader('X-Frame-Options'))
      reply.header('X-Frame-Options', own ? 'SAMEORIGIN' : 'DENY');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const anonymous = (): PageContext => ({ viewer: null, csrfToken: null, now: deps.now() });
  const ctxOf = (req: FastifyRequest): PageContext => {
    const s = req.consoleSession;
    return { viewer: s?.viewer ?? null, csrfToken: s?.csrfToken ?? null, now: deps.now() };
  };
  const sendPage = (reply: FastifyReply, status: number, body: string): FastifyReply =>
    reply.code(status).type('text/html; charset=utf-8').send(body);

  const sessionOf = async (req: FastifyRequest): Promise<OpenSession | null> =>
    openSession(deps.db, req.cookies[SESSION_COOKIE], {
      schedule: deps.schedule(),
      now: deps.now(),
      idleMinutes: deps.web.idleMinutes,
    });

  app.setNotFoundHandler(async (req, reply) => {
    // The frame shows the navigation to a signed-in visitor.
    req.consoleSession = await sessionOf(req).catch(() => null);
    return sendPage(
      reply,
      404,
      plainPage(ctxOf(req), '页面不存在', '您访问的页面不存在，请检查地址。'),
    );
  });
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.logger.error({ err, url: req.url }, 'console request failed');
    else deps.logger.debug({ err, url: req.url }, 'console request refused');
    const text =
      status === 500
        ? '服务器处理请求时出错，请稍后再试；如仍出错，请联系管理员。'
        : '请求无法处理，请检查后重试。';
    return sendPage(
      reply,
      status,
      plainPage(ctxOf(req), status === 500 ? '出错了' : '请求有误', text),
    );
  });

  app.get('/assets/console.css', async (_req, reply) => {
    const css = await fs.promises.readFile(STYLESHEET);
    return reply
      .type('text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .send(css);
  });

  for (const route of options.routes ?? consoleRoutes(deps)) {
    const download = isDownload(route);
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req, reply) => {
        if (route.access !== 'operator') req.consoleSession = await sessionOf(req);
        const refusal = refuse(route.access, download, req, req.consoleSession);
        if (refusal === 'login') {
          return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
        }
        if (refusal !== null) {
          const [title, text] = REFUSALS[refusal];
          const ctx = refusal === 401 ? anonymous() : ctxOf(req);
          return sendPage(reply, refusal, plainPage(ctx, title, text));
        }
        const result = await route.handler(req, reply, ctxOf(req));
        if (reply.sent || result === reply) return reply;
        if (typeof result === 'string') return reply.type('text/html; charset=utf-8').send(result);
        return result;
      },
    });
  }
  /**
   * For what options.extend registers outside the route list (Bull Board under /ops): a
   * preHandler applying the same rules as a ConsoleRoute of this access.
   */
  const guard =
    (access: Access) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      req.consoleSession = await sessionOf(req);
      const refusal = refuse(access, false, req, req.consoleSession);
      if (refusal === 'login') {
        await reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
      } else if (refusal !== null) {
        const [title, text] = REFUSALS[refusal];
        await sendPage(
          reply,
          refusal,
          plainPage(refusal === 401 ? anonymous() : ctxOf(req), title, text),
        );
      }
    };
  if (options.extend) void app.register(async (scope) => options.extend?.(scope, guard));
  return app;
}

const REFUSALS: Record<401 | 403, [string, string]> = {
  401: ['请先登录', '此操作需要登录。请先登录后再试。'],
  403: ['无权访问', '您的账号无权访问此页面或执行此操作；如有疑问，请联系联合会议办公室。'],
};

/** Why a request may not go on: 'login' (redirect), 401, 403, or null. */
function refuse(
  access: Access,
  download: boolean,
  req: FastifyRequest,
  session: OpenSession | null,
): 'login' | 401 | 403 | null {
  if (access === 'operator' || access === 'public') {
    // No session to hold a token: a POST from another site is refused by its Origin.
    if (req.method === 'POST' && !sameOrigin(req)) return 403;
    return null;
  }
  const viewer: Viewer | null = session?.viewer ?? null;
  if (!viewer || !session) return req.method === 'GET' && !download ? 'login' : 401;
  if (!allowed(access, viewer)) return 403;
  if (req.method === 'POST' && !csrfMatches(req, session.csrfToken)) return 403;
  return null;
}

function csrfMatches(req: FastifyRequest, expected: string): boolean {
  const body = req.body as Record<string, unknown> | null | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  const header = req.headers['x-csrf-token'];
  const given = typeof field === 'string' ? field : typeof header === 'string' ? header : '';
  return given !== '' && sameSecret(given, expected);
}

/** A POST's Origin (when the browser sends one) names this server. */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

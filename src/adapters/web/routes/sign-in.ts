/**
 * Signing in and out, and the home page: /login (ask for a link: the same answer whether or not
 * the address is known, rate-limited per address and per client), /login/:token (GET shows a
 * button, POST uses the link: a mail scanner fetching the link does not use it), /logout, and
 * / (this week's board).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { weekContaining } from '../../../domain/calendar';
import { pruneConsoleSignIn, usableLoginToken, useLoginToken } from '../../storage';
import type { WebDeps } from '../deps';
import { html } from '../html';
import { page } from '../layout';
import { loginLinkMail } from '../login-mail';
import { RateLimiter } from '../rate-limit';
import type { ConsoleRoute, PageContext } from '../route';
import {
  audit,
  consoleActor,
  endSession,
  issueLoginLink,
  LOGIN_LINK_MINUTES,
  safeNext,
  SESSION_COOKIE,
  sha256Text,
  startSession,
} from '../sign-in';
import { viewerFor } from '../viewers';

export const SAME_ANSWER = '若该地址已登记，登录链接已发送至该邮箱。';

type Body = Record<string, unknown> | undefined;

function field(req: FastifyRequest, name: string): string {
  const v = (req.body as Body)?.[name];
  return typeof v === 'string' ? v : '';
}

function query(req: FastifyRequest, name: string): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

function loginForm(ctx: PageContext, next: string, note: string | null, email = ''): string {
  return page({
    title: '登录',
    ctx,
    body: html`${note ? html`<p class="note">${note}</p>` : ''}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value="${next}" />
        <label for="email">电子邮箱</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autocomplete="email"
          value="${email}"
        />
        <button type="submit">发送登录链接</button>
      </form>
      <p class="hint">
        请输入在督办配置中登记的电子邮箱地址，系统将向该邮箱发送一次性登录链接（${LOGIN_LINK_MINUTES}
        分钟内有效）。
      </p>`,
  });
}

function invalidLink(ctx: PageContext): string {
  return page({
    title: '链接无效',
    ctx,
    body: html`<p>该登录链接无效、已使用或已过期。</p>
      <p><a href="/login">重新获取登录链接</a></p>`,
  });
}

export interface SignInLimits {
  perAddress: { max: number; windowMs: number };
  perClient: { max: number; windowMs: number };
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAddress: { max: 5, windowMs: 15 * 60_000 },
  perClient: { max: 20, windowMs: 15 * 60_000 },
};

export function signInRoutes(
  deps: WebDeps,
  limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
): ConsoleRoute[] {
  const byAddress = new RateLimiter(limits.perAddress);
  const byClient = new RateLimiter(limits.perClient);
  const secure = deps.web.publicUrl.startsWith('https:');

  const setSessionCookie = (reply: FastifyReply, id: string): void => {
    void reply.setCookie(SESSION_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
    });
  };

  return [
    {
      method: 'GET',
      url: '/',
      access: 'leader',
      async handler(_req, reply, ctx) {
        return reply.redirect(`/weeks/${weekContaining(ctx.now, deps.schedule())}`, 302);
      },
    },
    {
      method: 'GET',
      url: '/login',
      access: 'public',
      async handler(req, reply, ctx) {
        const next = safeNext(query(req, 'next'));
        if (ctx.viewer) return reply.redirect(next, 302);
        return loginForm(ctx, next, null);
      },
    },
    {
      method: 'POST',
      url: '/login',
      access: 'public',
      async handler(req, reply, ctx) {
        const email = field(req, 'email').trim().toLowerCase().slice(0, 320);
        const next = safeNext(field(req, 'next'));
        if (!email)
          return reply
            .code(400)
            .type('text/html; charset=utf-8')
            .send(loginForm(ctx, next, '请输入电子邮箱地址。'));
        const wait = Math.max(byClient.hit(req.ip, ctx.now), byAddress.hit(email, ctx.now));
        if (wait > 0) {
          const minutes = Math.ceil(wait / 60_000);
          await audit(deps.db, {
            event: 'console.login_link_limited',
            actor: consoleActor(null),
            details: { email, ip: req.ip },
            now: ctx.now,
          });
          return reply
            .code(429)
            .type('text/html; charset=utf-8')
            .send(
              loginForm(ctx, next, `登录链接申请过于频繁，请于 ${minutes} 分钟后再试。`, email),
            );
        }
        const schedule = deps.schedule();
        const viewer = viewerFor(schedule, email);
        if (viewer) {
          const link = await issueLoginLink(deps.db, {
            email,
            publicUrl: deps.web.publicUrl,
            now: ctx.now,
            next,
          });
          await deps.sendMail(
            loginLinkMail({
              link,
              to: email,
              from: deps.mailFrom,
              signature: schedule.programme.signature,
            }),
          );
        }
        await audit(deps.db, {
          event: 'console.login_link_requested',
          actor: consoleActor(null),
          details: { email, known: viewer !== null, ip: req.ip },
          now: ctx.now,
        });
        return loginForm(ctx, next, SAME_ANSWER);
      },
    },
    {
      method: 'GET',
      url: '/login/:token',
      access: 'public',
      async handler(req, reply, ctx) {
        const token = (req.params as { token: string }).token;
        const email = await usableLoginToken(deps.db, sha256Text(token), ctx.now);
        if (!email) return reply.code(410).type('text/html; charset=utf-8').send(invalidLink(ctx));
        const next = safeNext(query(req, 'next'));
        return page({
          title: '确认登录',
          ctx,
          body: html`<p>以 ${email} 登录督办系统。</p>
            <form method="post" action="/login/${encodeURIComponent(token)}">
              <input type="hidden" name="next" value="${next}" />
              <button type="submit">登录</button>
            </form>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/login/:token',
      access: 'public',
      async handler(req, reply, ctx) {
        const token = (req.params as { token: string }).token;
        const email = await useLoginToken(deps.db, sha256Text(token), ctx.now);
        const viewer = email ? viewerFor(deps.schedule(), email) : null;
        if (!email || !viewer)
          return reply.code(410).type('text/html; charset=utf-8').send(invalidLink(ctx));
        // A new session id at every sign-in: whatever id the browser had is dropped.
        await endSession(deps.db, req.cookies[SESSION_COOKIE]);
        const session = await startSession(deps.db, email, ctx.now);
        // Old records go at each sign-in: sessions past the idle timeout, links past expiry.
        await pruneConsoleSignIn(
          deps.db,
          new Date(ctx.now.getTime() - deps.web.idleMinutes * 60_000),
          ctx.now,
        );
        setSessionCookie(reply, session.id);
        await audit(deps.db, {
          event: 'console.signed_in',
          actor: consoleActor(email),
          details: { role: viewer.role, ip: req.ip },
          now: ctx.now,
        });
        return reply.redirect(safeNext(field(req, 'next')), 303);
      },
    },
    {
      method: 'POST',
      url: '/logout',
      access: 'leader',
      async handler(req, reply, ctx) {
        await endSession(deps.db, req.cookies[SESSION_COOKIE]);
        void reply.clearCookie(SESSION_COOKIE, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure,
        });
        await audit(deps.db, {
          event: 'console.signed_out',
          actor: consoleActor(ctx.viewer?.email ?? null),
          now: ctx.now,
        });
        return reply.redirect('/login', 303);
      },
    },
  ];
}

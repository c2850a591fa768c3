/**
 * The console's page frame (zh-CN): a title, the navigation for the viewer's role, the body, the
 * sign-out form. Usable without JavaScript and on a phone; every asset is served by the console
 * itself (/assets/console.css): government intranets have no internet.
 */
import { html, type Html } from './html';
import type { PageContext } from './route';

export interface PageInput {
  title: string;
  ctx: PageContext;
  body: Html;
}

const NAV: ReadonlyArray<{ href: string; label: string; admin?: boolean }> = [
  { href: '/', label: '本周' },
  { href: '/messages', label: '来信' },
  { href: '/quarantine', label: '待处理' },
  { href: '/departments', label: '责任部门' },
  { href: '/decisions', label: '议定事项' },
  { href: '/ledger', label: '督办台账' },
  { href: '/digests', label: '周报' },
  { href: '/schedule', label: '配置' },
  { href: '/assessment', label: '考评' },
  { href: '/ops', label: '运行', admin: true },
];

export function page({ title, ctx, body }: PageInput): string {
  const viewer = ctx.viewer;
  const nav = NAV.filter((n) => !n.admin || viewer?.role === 'admin');
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · 督办</title>
        <link rel="stylesheet" href="/assets/console.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/">督办</a>
          ${viewer ? html`<nav>${nav.map((n) => html`<a href="${n.href}">${n.label}</a>`)}</nav>` : ''}
          ${
            viewer
              ? html`<form class="signout" method="post" action="/logout">
                  <input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}" /><span
                    >${viewer.name}</span
                  >
                  <button type="submit">退出</button>
                </form>`
              : ''
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

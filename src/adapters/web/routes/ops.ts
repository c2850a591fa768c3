/**
 * /ops (admin): how the service runs, for the operator, in zh-CN: the watcher's last sync and
 * last error per mailbox, the queues' job counts, failed jobs, mails not sent in time, the
 * version. Bull Board (the queues' own UI, English) is mounted under /ops/queues by
 * registerBullBoard: it is a fastify plugin, not a ConsoleRoute, so the server hands it the
 * admin guard.
 */
import { mailStatusLabel } from '../../../domain/mail/status-labels';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildOpsView, type OpsDeps, type OpsView } from '../../../app/console/ops';
import { dateTimeZh } from '../../../domain/zh/times';
import { PACKAGE_ROOT } from '../../../paths';
import { html, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleRoute } from '../route';

export interface OpsRouteDeps extends Omit<OpsDeps, 'version'> {
  /** Default: package.json's version. */
  version?: string;
  /** The programme's time zone for times shown (default Asia/Shanghai). */
  timeZone?: string;
}

export const BULL_BOARD_PATH = '/ops/queues';

const QUEUE_LABELS: Record<string, string> = { intake: '收件处理', outbound: '发信' };
const STATE_LABELS: Record<string, string> = {
  waiting: '等待',
  active: '处理中',
  delayed: '延迟重试',
  prioritized: '优先',
  'waiting-children': '等待子任务',
  paused: '暂停',
  failed: '失败',
  completed: '已完成',
};

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function opsRoutes(deps: OpsRouteDeps): ConsoleRoute[] {
  const version = deps.version ?? packageVersion();
  const tz = deps.timeZone ?? 'Asia/Shanghai';
  return [
    {
      method: 'GET',
      url: '/ops',
      access: 'admin',
      handler: async (_req, reply, ctx) => {
        const view = await buildOpsView({ ...deps, version }, ctx.now);
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        return page({ title: '运行状况', ctx, body: opsBody(view, tz) });
      },
    },
  ];
}

function at(d: Date | null, tz: string): string {
  return d ? dateTimeZh(d, tz) : '从未';
}

function opsBody(view: OpsView, tz: string): Html {
  return html`<p>版本：${view.version}</p>
    ${syncSection(view, tz)} ${queueSection(view, tz)} ${lateSection(view)}`;
}

function syncSection(view: OpsView, tz: string): Html {
  const rows = view.mailboxes.map(
    (m) =>
      html`<tr>
        <td>${m.account}</td>
        <td>${m.mailbox}</td>
        <td>${at(m.lastSuccessAt, tz)}</td>
        <td>${m.stalled ? `已停滞（超过${view.stallMinutes}分钟未同步）` : '正常'}</td>
        <td>${m.lastError ? html`${m.lastError}（${at(m.lastErrorAt, tz)}）` : '无'}</td>
      </tr>`,
  );
  return html`<section>
    <h2>邮箱同步</h2>
    ${view.neverSynced ? html`<p class="alert">邮箱 ${view.neverSynced} 从未同步。</p>` : ''}
    ${
      view.mailboxes.length === 0
        ? html`<p>未配置收件邮箱，或尚未同步。</p>`
        : html`<table>
            <thead>
              <tr>
                <th>账户</th>
                <th>邮箱</th>
                <th>最近同步</th>
                <th>状态</th>
                <th>最近错误</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }
  </section>`;
}

function queueSection(view: OpsView, tz: string): Html {
  const link = html`<p><a href="${BULL_BOARD_PATH}/">队列管理（Bull Board，英文界面）</a></p>`;
  if ('error' in view.queues) {
    return html`<section>
      <h2>队列</h2>
      <p class="alert">无法读取队列（Redis）：${view.queues.error}</p>
      ${link}
    </section>`;
  }
  const { counts, failed } = view.queues;
  const queues = [...new Set(counts.map((c) => c.queue))];
  const states = [...new Set(counts.map((c) => c.state))];
  const count = (q: string, s: string): number =>
    counts.find((c) => c.queue === q && c.state === s)?.count ?? 0;
  return html`<section>
      <h2>队列</h2>
      <table>
        <thead>
          <tr>
            <th>队列</th>
            ${states.map((s) => html`<th>${STATE_LABELS[s] ?? s}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${queues.map(
            (q) =>
              html`<tr>
                <td>${QUEUE_LABELS[q] ?? q}</td>
                ${states.map((s) => html`<td>${count(q, s)}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
      ${link}
    </section>
    <section>
      <h2>失败任务</h2>
      ${
        failed.length === 0
          ? html`<p>无。</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>队列</th>
                  <th>任务</th>
                  <th>原因</th>
                  <th>尝试次数</th>
                  <th>失败时间</th>
                </tr>
              </thead>
              <tbody>
                ${failed.map(
                  (j) =>
                    html`<tr>
                      <td>${QUEUE_LABELS[j.queue] ?? j.queue}</td>
                      <td>${j.name}（${j.id}）</td>
                      <td>${j.reason}</td>
                      <td>${j.attempts}</td>
                      <td>${at(j.failedAt, tz)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
}

function lateSection(view: OpsView): Html {
  return html`<section>
    <h2>未按时发出的邮件</h2>
    ${
      view.lateMails.length === 0
        ? html`<p>无。</p>`
        : html`<table>
            <thead>
              <tr>
                <th>邮件</th>
                <th>类别</th>
                <th>状态</th>
                <th>已等待（分钟）</th>
                <th>尝试次数</th>
                <th>最近错误</th>
              </tr>
            </thead>
            <tbody>
              ${view.lateMails.map(
                (m) =>
                  html`<tr class="${m.level === 'error' ? 'alert' : ''}">
                    <td>${m.key}</td>
                    <td>${m.kind}</td>
                    <td>${mailStatusLabel(m.status)}</td>
                    <td>${m.ageMinutes}</td>
                    <td>${m.attempts}</td>
                    <td>${m.lastError ?? '无'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

/** Bull Board's page loads IBM Plex from fonts.googleapis.com: dropped (intranets have no internet). */
const EXTERNAL_STYLESHEET = /<link\b[^>]*href="https?:\/\/[^"]*"[^>]*>/gi;

/**
 * Mounts Bull Board under /ops/queues, behind `guard` (a preHandler: admin only). Its actions
 * (retry, clean, …) are JSON requests sent by its own script; besides the guard, any request that
 * is not GET/HEAD must come from this origin (browsers send Origin on them), so a page elsewhere
 * cannot forge one with the admin's cookie.
 */
export async function registerBullBoard(
  app: FastifyInstance,
  queues: readonly Queue[],
  guard: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): Promise<void> {
  // Loaded on first use: only a process serving the console needs Bull Board (with its view
  // engine and static files), not every module that imports the /ops page.
  const { createBullBoard } = await import('@bull-board/api');
  const { BullMQAdapter } = await import('@bull-board/api/bullMQAdapter');
  const { FastifyAdapter } = await import('@bull-board/fastify');
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'duban' } },
  });
  await app.register(
    async (scope) => {
      scope.addHook('preHandler', guard);
      scope.addHook('preHandler', async (req, reply) => {
        if (req.method === 'GET' || req.method === 'HEAD') return;
        if (!sameOrigin(req)) await reply.code(403).send({ error: 'cross-origin request refused' });
      });
      scope.addHook('onSend', async (_req, reply, payload) => {
        const type = String(reply.getHeader('content-type') ?? '');
        if (typeof payload !== 'string' || !type.startsWith('text/html')) return payload;
        return payload.replace(EXTERNAL_STYLESHEET, '');
      });
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: BULL_BOARD_PATH },
  );
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

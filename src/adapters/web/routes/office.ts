/**
 * The office's pages: /messages (every received message, its raw .eml and attachments to
 * download), /quarantine (held messages: release, reprocess, dismiss, each confirmed), /digests
 * (every digest as sent, the next one previewed, send now) and /schedule (the schedule in force
 * and the last reload). Ids in paths are integers only: anything else is 404, never a path.
 */
import { mailStatusLabel } from '../../../domain/mail/status-labels';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { simpleParser } from 'mailparser';
import { dismissMessage } from '../../../app/console/dismiss-message';
import {
  heldMessagesPage,
  MESSAGE_OUTCOMES,
  messagesPage,
  messageView,
  type MessageView,
} from '../../../app/console/messages-page';
import type { DigestPreview } from '../../../app/console/next-digest';
import { OFFICE_EVENTS } from '../../../app/console/office-actions';
import { releaseMessage } from '../../../app/console/release-message';
import { reprocessMessage } from '../../../app/console/reprocess-message';
import type { IntakeDeps } from '../../../app/intake/deps';
import type { MessagePreviewer, OfficeReads, OfficeRecords } from '../../../app/ports/office-reads';
import type { Schedule } from '../../../config/schedule';
import { formatDateZh } from '../../../domain/zh/dates';
import { html, raw, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleRoute, PageContext } from '../route';
import {
  attachmentDisposition,
  idParam,
  OUTCOME_ZH,
  outcomeZh,
  reasonZh,
  sizeZh,
  timeZh,
} from './office-format';

/** The last schedule reload, as the process that reloads it remembers it. */
export interface ReloadView {
  at: Date;
  /** 'applied' | 'unchanged' | 'unreadable' | 'refused' */
  result: string;
  /** Every error or warning as the reload gave it (zh-CN from the schedule's validation). */
  messages: string[];
}

export interface OfficeDeps {
  reads: OfficeReads & OfficeRecords;
  preview: MessagePreviewer;
  /** An attachment taken again from its raw message (when its bytes were not kept). */
  extractAttachment(
    raw: Buffer,
    ordinal: number,
  ): Promise<{ filename: string; content: Buffer } | null>;
  /** The schedule in force. */
  schedule(): Schedule;
  /** The intake's ports with the schedule in force (release, reprocess). */
  intake(): IntakeDeps;
  /** Names this process in the claims of the mails it delivers. */
  claimedBy: string;
  digest: {
    preview(now: Date): Promise<DigestPreview | null>;
    sendNow(now: Date): Promise<{ week: string; key: string; outcome: string } | null>;
  };
  lastReload(): ReloadView | null;
}

const CSP_DIGEST = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function notFound(reply: FastifyReply, ctx: PageContext, what = '未找到该记录。'): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(page({ title: '未找到', ctx, body: html`<p>${what}</p>` }));
}

function sendPage(reply: FastifyReply, title: string, ctx: PageContext, body: Html): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(page({ title, ctx, body }));
}

function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}" />`;
}

function formField(req: FastifyRequest, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const v = body?.[name];
  return typeof v === 'string' ? v : '';
}

function viewerOf(ctx: PageContext): string {
  return ctx.viewer?.email ?? 'unknown';
}

function attachmentsList(v: MessageView, downloads: boolean): Html {
  if (v.unreadable) return html`<p class="note">无法读取该邮件（${v.unreadable}）。</p>`;
  if (v.attachments.length === 0) return html`<span class="muted">无附件</span>`;
  return html`<ul class="attachments">
    ${v.attachments.map(
      (a) =>
        html`<li>
          ${
            downloads && a.downloadId !== null
              ? html`<a href="/attachments/${a.downloadId}">${a.filename}</a>`
              : a.filename
          }
          <span class="muted">（${sizeZh(a.size)}）</span>
          ${
            a.inner.length > 0
              ? html`<ul>
                  ${a.inner.map((n) => html`<li>${n}</li>`)}
                </ul>`
              : ''
          }
        </li>`,
    )}
  </ul>`;
}

/**
 * One message as a card: block elements that stack on a 390 px phone (a wide table would hide the
 * attachments and actions off to the side).
 */
function messageCard(v: MessageView, downloads: boolean, actions?: Html): Html {
  const m = v.message;
  return html`<article class="message" id="m${m.id}">
    <h3>${m.subject ?? '（无主题）'}</h3>
    <p class="muted">
      #${m.id} · ${timeZh(m.receivedAt)} · ${m.from ?? '（发件人未知）'} ·
      ${v.unitName ?? '非登记单位'}
    </p>
    <p>
      处理结果：${outcomeZh(m.outcome)}${m.reason ? html`：${reasonZh(m.reason)}` : ''}${
        m.week ? html`；报送周：${formatDateZh(m.week)}` : ''
      }
    </p>
    ${v.firstLines ? html`<p class="note">${v.firstLines}</p>` : ''}
    <div>附件：${attachmentsList(v, downloads)}</div>
    ${
      downloads || actions
        ? html`<p class="actions">
            ${downloads ? html`<a href="/messages/${m.id}/raw.eml">下载原始邮件</a>` : ''}
            ${actions ?? ''}
          </p>`
        : ''
    }
  </article>`;
}

function isOffice(ctx: PageContext): boolean {
  return ctx.viewer?.role === 'office' || ctx.viewer?.role === 'admin';
}

function messagesRoutes(deps: OfficeDeps): ConsoleRoute[] {
  const pageDeps = () => ({
    reads: deps.reads,
    preview: deps.preview,
    schedule: deps.schedule(),
  });
  return [
    {
      method: 'GET',
      url: '/messages',
      access: 'leader',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const query = (req.query ?? {}) as Record<string, unknown>;
        const p = await messagesPage(pageDeps(), query);
        const downloads = isOffice(ctx);
        const link = (n: number): string => {
          const q = new URLSearchParams();
          if (p.filter.week) q.set('week', p.filter.week);
          if (p.filter.unitId) q.set('unit', p.filter.unitId);
          if (p.filter.outcome) q.set('outcome', p.filter.outcome);
          q.set('page', String(n));
          return `/messages?${q.toString()}`;
        };
        const body = html`<form class="filters" method="get" action="/messages">
            <label
              >周（周一日期）<input type="date" name="week" value="${p.filter.week ?? ''}"
            /></label>
            <label
              >单位
              <select name="unit">
                <option value="">全部</option>
                ${schedule.units.map(
                  (u) =>
                    html`<option value="${u.id}" ${u.id === p.filter.unitId ? raw('selected') : ''}>
                      ${u.name}
                    </option>`,
                )}
              </select></label
            >
            <label
              >处理结果
              <select name="outcome">
                <option value="">全部</option>
                ${MESSAGE_OUTCOMES.map(
                  (o) =>
                    html`<option value="${o}" ${o === p.filter.outcome ? raw('selected') : ''}>
                      ${OUTCOME_ZH[o] ?? o}
                    </option>`,
                )}
              </select></label
            >
            <button type="submit">筛选</button>
          </form>
          <p>共 ${p.total} 封，第 ${p.page} / ${p.pages} 页。</p>
          ${
            p.items.length === 0
              ? html`<p>没有符合条件的来信。</p>`
              : html`${p.items.map((v) => messageCard(v, downloads))}`
          }
          <nav class="pager">
            ${p.page > 1 ? html`<a href="${link(p.page - 1)}">上一页</a>` : ''}
            ${p.page < p.pages ? html`<a href="${link(p.page + 1)}">下一页</a>` : ''}
          </nav>`;
        return sendPage(reply, '来信', ctx, body);
      },
    },
    {
      method: 'GET',
      url: '/messages/:id/raw.eml',
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        const bytes = id === null ? null : await deps.reads.rawMessage(id);
        if (id === null || !bytes) return notFound(reply, ctx);
        return reply
          .header('content-type', 'message/rfc822')
          .header('content-disposition', attachmentDisposition(`message-${id}.eml`))
          .header('x-content-type-options', 'nosniff')
          .send(bytes);
      },
    },
    {
      method: 'GET',
      url: '/attachments/:id',
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        const a = id === null ? null : await deps.reads.attachment(id);
        if (!a) return notFound(reply, ctx);
        let content = a.bytes;
        let name = a.filename;
        if (!content) {
          const rawBytes = await deps.reads.rawMessage(a.rawMessageId);
          const again = rawBytes ? await deps.extractAttachment(rawBytes, a.ordinal) : null;
          content = again?.content ?? null;
          name = name || again?.filename || null;
        }
        if (!content) return notFound(reply, ctx, '无法从原始邮件中取出该附件。');
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', attachmentDisposition(name || `attachment-${a.id}`))
          .header('x-content-type-options', 'nosniff')
          .send(content);
      },
    },
  ];
}

const DONE_ZH: Record<string, string> = {
  released: '已转交单位处理，回执已按新的编号排队发送。',
  reprocessed: '已重新处理。',
  dismissed: '已标记为无需处理。',
};

function quarantineRoutes(deps: OfficeDeps): ConsoleRoute[] {
  const pageDeps = () => ({
    reads: deps.reads,
    preview: deps.preview,
    schedule: deps.schedule(),
  });
  const actionDeps = () => ({
    intake: deps.intake(),
    reads: deps.reads,
    records: deps.reads,
    claimedBy: `${deps.claimedBy}:console`,
  });
  /** The confirmation page of an action on a held message. */
  const confirm = (
    action: 'release' | 'reprocess' | 'dismiss',
    title: string,
    fields: (v: MessageView, schedule: Schedule) => Html,
    submit: string,
  ): ConsoleRoute => ({
    method: 'GET',
    url: `/quarantine/:id/${action}`,
    access: 'office',
    async handler(req, reply, ctx) {
      const id = idParam((req.params as Record<string, unknown>).id);
      const v = id === null ? null : await messageView(pageDeps(), id);
      if (!v) return notFound(reply, ctx);
      const body = html`${messageCard(v, true)}
        <form method="post" action="/quarantine/${v.message.id}/${action}">
          ${csrfField(ctx)} ${fields(v, deps.schedule())}
          <button type="submit">${submit}</button>
          <a href="/quarantine">取消</a>
        </form>`;
      return sendPage(reply, title, ctx, body);
    },
  });
  const done = (reply: FastifyReply, what: string, id: number): FastifyReply =>
    reply.redirect(`/quarantine?done=${what}&id=${id}`, 303);
  const refused = (reply: FastifyReply, ctx: PageContext, text: string): FastifyReply =>
    reply
      .code(409)
      .type('text/html; charset=utf-8')
      .send(
        page({
          title: '无法执行',
          ctx,
          body: html`<p>${text}</p>
            <a href="/quarantine">返回</a>`,
        }),
      );

  return [
    {
      method: 'GET',
      url: '/quarantine',
      access: 'office',
      async handler(req, reply, ctx) {
        const query = (req.query ?? {}) as Record<string, unknown>;
        const doneText = typeof query.done === 'string' ? DONE_ZH[query.done] : undefined;
        const doneId = idParam(query.id);
        const items = await heldMessagesPage(pageDeps());
        const body = html`${
            doneText && doneId !== null
              ? html`<p class="notice" role="status">#${doneId}：${doneText}</p>`
              : ''
          }
          <p>待核实的来信（发件人不在名单中、未通过验证）和单位发来但无法采用的来信。</p>
          ${
            items.length === 0
              ? html`<p>目前没有待处理的来信。</p>`
              : html`${items.map((v) =>
                  messageCard(
                    v,
                    true,
                    html`${
                        v.message.outcome === 'quarantined'
                          ? html`<a href="/quarantine/${v.message.id}/release">转交单位</a>`
                          : ''
                      }
                      <a href="/quarantine/${v.message.id}/reprocess">重新处理</a>
                      <a href="/quarantine/${v.message.id}/dismiss">无需处理</a>`,
                  ),
                )}`
          }`;
        return sendPage(reply, '待处理来信', ctx, body);
      },
    },
    confirm(
      'release',
      '转交单位',
      (_v, schedule) =>
        html`<label
            >转交给
            <select name="unit" required>
              ${schedule.units.map((u) => html`<option value="${u.id}">${u.name}</option>`)}
            </select></label
          >
          <p>该邮件将作为所选单位的报送处理，并按处理结果向原发件人回复。</p>`,
      '确认转交',
    ),
    confirm(
      'reprocess',
      '重新处理',
      () => html`<p>将按当前配置重新处理该邮件，并按处理结果向原发件人回复。</p>`,
      '确认重新处理',
    ),
    confirm(
      'dismiss',
      '无需处理',
      () =>
        html`<label
          >说明（必填）<textarea name="note" required maxlength="500" rows="3"></textarea>
        </label>`,
      '确认无需处理',
    ),
    {
      method: 'POST',
      url: '/quarantine/:id/release',
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        if (id === null) return notFound(reply, ctx);
        const r = await releaseMessage(actionDeps(), {
          rawMessageId: id,
          unitId: formField(req, 'unit'),
          by: viewerOf(ctx),
        });
        if (!r.ok) {
          return refused(
            reply,
            ctx,
            r.error === 'unknown_unit' ? '配置中没有该单位。' : '该邮件不在待核实状态，无法转交。',
          );
        }
        return done(reply, 'released', id);
      },
    },
    {
      method: 'POST',
      url: '/quarantine/:id/reprocess',
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        if (id === null) return notFound(reply, ctx);
        const r = await reprocessMessage(actionDeps(), { rawMessageId: id, by: viewerOf(ctx) });
        if (!r.ok) return notFound(reply, ctx);
        return done(reply, 'reprocessed', id);
      },
    },
    {
      method: 'POST',
      url: '/quarantine/:id/dismiss',
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        if (id === null) return notFound(reply, ctx);
        const r = await dismissMessage(
          { reads: deps.reads, records: deps.reads },
          { rawMessageId: id, note: formField(req, 'note'), by: viewerOf(ctx) },
          ctx.now,
        );
        if (!r.ok && r.error === 'no_note') return refused(reply, ctx, '请填写说明。');
        if (!r.ok) return notFound(reply, ctx);
        return done(reply, 'dismissed', id);
      },
    },
  ];
}

/** The HTML part of a stored mail (null when it has none). */
async function htmlPart(eml: Buffer): Promise<string | null> {
  const parsed = await simpleParser(eml);
  return typeof parsed.html === 'string' ? parsed.html : null;
}

function sandboxedHtml(reply: FastifyReply, markup: string): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP_DIGEST)
    .header('x-content-type-options', 'nosniff')
    .send(markup);
}

function digestRoutes(deps: OfficeDeps): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/digests',
      access: 'leader',
      async handler(req, reply, ctx) {
        const query = (req.query ?? {}) as Record<string, unknown>;
        const mails = await deps.reads.digestMails(200);
        const sent = query.done === 'sent';
        const body = html`${sent ? html`<p class="notice" role="status">周报已发送。</p>` : ''}
          <p>
            <a href="/digests/next">预览下一期周报</a>
            ${isOffice(ctx) ? html` · <a href="/digests/send">立即发送</a>` : ''}
          </p>
          ${
            mails.length === 0
              ? html`<p>尚未发送过周报。</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>周</th>
                        <th>主题</th>
                        <th>状态</th>
                        <th>发送时间</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${mails.map(
                        (m) =>
                          html`<tr>
                            <td data-label="周">${m.week ? formatDateZh(m.week) : '—'}</td>
                            <td data-label="主题">
                              <a href="/digests/${m.id}">${m.subject}</a>
                            </td>
                            <td data-label="状态">${mailStatusLabel(m.status)}</td>
                            <td data-label="发送时间">${m.sentAt ? timeZh(m.sentAt) : '—'}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }`;
        return sendPage(reply, '周报', ctx, body);
      },
    },
    {
      method: 'GET',
      url: '/digests/:id',
      access: 'leader',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        const d = id === null ? null : await deps.reads.digestMail(id);
        if (!d) return notFound(reply, ctx);
        const r = d.record;
        const body = html`<p>
            ${r.week ? formatDateZh(r.week) : ''} · ${mailStatusLabel(r.status)}
            ${r.sentAt ? html` · ${timeZh(r.sentAt)}` : ''}
          </p>
          <iframe
            class="digest"
            sandbox=""
            src="/digests/${r.id}/html"
            title="${r.subject}"
            style="width:100%;min-height:70vh;border:1px solid #ccc"
          ></iframe>
          <p><a href="/digests/${r.id}/html">单独打开</a> · <a href="/digests">返回</a></p>`;
        return sendPage(reply, r.subject, ctx, body);
      },
    },
    {
      method: 'GET',
      url: '/digests/:id/html',
      access: 'leader',
      async handler(req, reply, ctx) {
        const id = idParam((req.params as Record<string, unknown>).id);
        const d = id === null ? null : await deps.reads.digestMail(id);
        const markup = d?.eml ? await htmlPart(d.eml) : null;
        if (markup === null) return notFound(reply, ctx);
        return sandboxedHtml(reply, markup);
      },
    },
    {
      method: 'GET',
      url: '/digests/next',
      access: 'leader',
      async handler(_req, reply, ctx) {
        const p = await deps.digest.preview(ctx.now);
        if (!p) return sendPage(reply, '下一期周报', ctx, html`<p>近期没有需要发送的周报。</p>`);
        const body = html`<p>
            ${formatDateZh(p.week)}当周，第 ${p.version} 版，计划发送时间
            ${timeZh(p.dueAt)}。以下为按当前数据生成的预览。
          </p>
          <iframe
            class="digest"
            sandbox=""
            src="/digests/next/html"
            title="${p.subject}"
            style="width:100%;min-height:70vh;border:1px solid #ccc"
          ></iframe>`;
        return sendPage(reply, `下一期周报：${p.subject}`, ctx, body);
      },
    },
    {
      method: 'GET',
      url: '/digests/next/html',
      access: 'leader',
      async handler(_req, reply, ctx) {
        const p = await deps.digest.preview(ctx.now);
        if (!p) return notFound(reply, ctx);
        return sandboxedHtml(reply, p.html);
      },
    },
    {
      method: 'GET',
      url: '/digests/send',
      access: 'office',
      async handler(_req, reply, ctx) {
        const p = await deps.digest.preview(ctx.now);
        if (!p) return sendPage(reply, '立即发送周报', ctx, html`<p>近期没有需要发送的周报。</p>`);
        const body = html`<p>
            将立即向周报收件人发送 ${formatDateZh(p.week)}当周周报（第 ${p.version}
            版）：${p.subject}。
          </p>
          <form method="post" action="/digests/send">
            ${csrfField(ctx)}
            <button type="submit">确认发送</button>
            <a href="/digests">取消</a>
          </form>`;
        return sendPage(reply, '立即发送周报', ctx, body);
      },
    },
    {
      method: 'POST',
      url: '/digests/send',
      access: 'office',
      async handler(_req, reply, ctx) {
        const r = await deps.digest.sendNow(ctx.now);
        if (r) {
          await deps.reads.record(
            {
              event: 'digest.sent_now',
              actor: viewerOf(ctx),
              reportingWeek: r.week,
              details: { key: r.key, outcome: r.outcome },
            },
            ctx.now,
          );
        }
        return reply.redirect('/digests?done=sent', 303);
      },
    },
  ];
}

const AUDIENCE_ZH: Record<string, string> = {
  unit: '单位联系人',
  unit_head: '单位负责人',
  responsible_leader: '分管召集人',
  chief_convenor: '总召集人',
  convenors: '召集人',
  office: '联合会议办公室',
};

const WEEKDAY_ZH: Record<string, string> = {
  monday: '周一',
  tuesday: '周二',
  wednesday: '周三',
  thursday: '周四',
  friday: '周五',
  saturday: '周六',
  sunday: '周日',
};

const RELOAD_ZH: Record<string, string> = {
  applied: '已生效',
  unchanged: '内容未变化',
  unreadable: '无法读取',
  refused: '有错误，未生效（仍使用原配置）',
};

function scheduleRoutes(deps: OfficeDeps): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/schedule',
      access: 'leader',
      async handler(_req, reply, ctx) {
        const s = deps.schedule();
        const units = new Map(s.units.map((u) => [u.id, u.name]));
        const audiences = (list: readonly string[]): string =>
          list.map((a) => AUDIENCE_ZH[a] ?? a).join('、') || '—';
        const reload = deps.lastReload();
        const body = html`<section>
            <h2>最近一次加载</h2>
            ${
              reload
                ? html`<p>${timeZh(reload.at)}：${RELOAD_ZH[reload.result] ?? reload.result}</p>
                    ${
                      reload.messages.length > 0
                        ? html`<ul class="errors">
                            ${reload.messages.map((m) => html`<li><pre>${m}</pre></li>`)}
                          </ul>`
                        : ''
                    }`
                : html`<p>服务启动后尚未重新加载配置。</p>`
            }
          </section>
          <section>
            <h2>工作安排</h2>
            <p>
              ${s.programme.name}，自
              ${formatDateZh(s.programme.activeFrom)}起${
                s.programme.activeTo ? html`至 ${formatDateZh(s.programme.activeTo)}` : ''
              }；收件邮箱
              ${s.programme.mailbox}。
            </p>
            <p>
              报送截止：每${WEEKDAY_ZH[s.cycle.deadline.weekday] ?? s.cycle.deadline.weekday}
              ${s.cycle.deadline.time}；周报：每${WEEKDAY_ZH[s.cycle.digest.weekday] ?? ''}
              ${s.cycle.digest.time}，发送 ${audiences(s.cycle.digest.to)}，抄送
              ${audiences(s.cycle.digest.cc)}。
            </p>
          </section>
          <section>
            <h2>催报安排</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>阶段</th>
                    <th>时间</th>
                    <th>发送</th>
                    <th>抄送</th>
                  </tr>
                </thead>
                <tbody>
                  ${s.cycle.reminders.map(
                    (r) =>
                      html`<tr>
                        <td data-label="阶段">${r.id}</td>
                        <td data-label="时间">
                          截止${r.offsetDays >= 0 ? '后' : '前'}${Math.abs(r.offsetDays)}个${
                            r.workingDays ? '工作日' : '自然日'
                          }
                          ${r.time}
                        </td>
                        <td data-label="发送">${audiences(r.to)}</td>
                        <td data-label="抄送">${audiences(r.cc)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>
          <section>
            <h2>报送单位</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>单位</th>
                    <th>发件地址</th>
                    <th>催报收件人</th>
                  </tr>
                </thead>
                <tbody>
                  ${s.units.map(
                    (u) =>
                      html`<tr>
                        <td data-label="单位">${u.name} <small>(${u.id})</small></td>
                        <td data-label="发件地址">${u.addresses.join('、')}</td>
                        <td data-label="催报收件人">
                          ${u.remind.to.join('、')}${
                            u.remind.cc.length ? html`；抄送 ${u.remind.cc.join('、')}` : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>
          <section>
            <h2>项目与攻坚目标</h2>
            ${s.projects.map(
              (p) =>
                html`<details>
                  <summary>
                    ${p.name}（牵头：${p.leadUnits.map((id) => units.get(id) ?? id).join('、')}）
                  </summary>
                  <ul>
                    ${p.targets.map((t) => html`<li>${t.text}（${formatDateZh(t.due)}前）</li>`)}
                  </ul>
                </details>`,
            )}
          </section>
          <section>
            <h2>人员</h2>
            <ul>
              <li>总召集人：${s.people.chiefConvenor.title}（${s.people.chiefConvenor.email}）</li>
              ${s.people.convenors.map((p) => html`<li>召集人：${p.title}（${p.email}）</li>`)}
              ${s.people.office.map(
                (p) =>
                  html`<li>办公室：${p.title}（${p.email}）${p.admin ? '，系统管理员' : ''}</li>`,
              )}
            </ul>
          </section>
          <section>
            <h2>节假日与调休</h2>
            ${s.calendar.years.map(
              (y) =>
                html`<p>
                  <strong>${y.year}年</strong>
                  放假：${y.holidays.map(formatDateZh).join('、') || '—'}；
                  调休上班：${y.workdays.map(formatDateZh).join('、') || '—'}
                </p>`,
            )}
          </section>`;
        return sendPage(reply, '配置', ctx, body);
      },
    },
  ];
}

export function officeRoutes(deps: OfficeDeps): ConsoleRoute[] {
  return [
    ...messagesRoutes(deps),
    ...quarantineRoutes(deps),
    ...digestRoutes(deps),
    ...scheduleRoutes(deps),
  ];
}

/** The audit events the office's actions leave (for the unit pages' history). */
export const OFFICE_ACTION_EVENTS = Object.values(OFFICE_EVENTS);

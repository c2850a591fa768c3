/**
 * The console's pages of agreed items (议定事项) and the ledger (督办台账):
 * - /decisions: every item with its colour, filtered by state, colour and unit, with counts;
 * - /decisions/<id>: one item and its history (as the ledger has it);
 * - /decisions/<id>/confirm | send-back | reopen: the office's decisions (办结销号, 退回 with a
 *   required note, 重新打开), each through a confirmation page and a POST carrying the session's
 *   CSRF token; the item's history records who took it ("console:<address>");
 * - /decisions/new: the office records one item by a form (as a list of one row);
 * - /ledger: the ledger in HTML (printable), /ledger.xlsx: the workbook.
 * Reading is open to every signed-in viewer; acting is the office's. Ids in paths must have the
 * item id form (YYYYMMDD-N): anything else is 404. Every value from a list or a sheet is escaped.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  decisionFilters,
  decisionPage,
  decisionsPage,
  ITEM_STATES,
  readingOfForm,
  recordedZh,
  type DecisionFilters,
  type NewItemForm,
} from '../../../app/console/decisions-page';
import type { DecisionDeps, DecisionMailDeps } from '../../../app/decisions/deps';
import { readLedger } from '../../../app/decisions/ledger';
import type { ItemListImport } from '../../../app/decisions/record-list';
import type { DecisionStore } from '../../../app/ports/decision-store';
import type { Schedule } from '../../../config/schedule';
import {
  COLOUR_ZH,
  markZh,
  STATE_ZH,
  type Ledger,
  type LedgerRow,
} from '../../../domain/decisions/ledger';
import {
  ITEM_ID,
  NOTICE_COLOURS,
  type AgreedItem,
  type ItemListReading,
} from '../../../domain/decisions/types';
import { formatDateZh } from '../../../domain/zh/dates';
import { meetingLabel } from '../../../domain/decisions/meeting';
import { DubanError } from '../../../errors';
import { ledgerXlsx } from '../../excel/ledger-workbook';
import { html, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleRoute, PageContext } from '../route';
import { attachmentDisposition } from './office-format';

/** The office's actions on items (src/app/decisions/state.ts, record-list.ts). */
export interface DecisionActions {
  close(deps: DecisionDeps, id: string, by: string, now: Date): Promise<AgreedItem>;
  sendBack(
    deps: DecisionMailDeps,
    id: string,
    request: { by: string; note: string },
    now: Date,
  ): Promise<AgreedItem>;
  reopen(
    deps: DecisionDeps,
    id: string,
    request: { by: string; note: string | null },
    now: Date,
  ): Promise<AgreedItem>;
  record(
    deps: DecisionDeps,
    reading: ItemListReading,
    source: { by: string; rawMessageId: number | null },
    now: Date,
  ): Promise<ItemListImport>;
}

export interface DecisionRouteDeps {
  decisions: DecisionStore;
  /** The schedule in force (read at each request). */
  schedule: () => Schedule;
  /** The outbox and sender for the send-back notice; without them sending back is refused. */
  mail?: () => Omit<DecisionMailDeps, 'decisions' | 'schedule'>;
  actions: DecisionActions;
}

const HTML_TYPE = 'text/html; charset=utf-8';
const NOTE_MAX = 500;

function send(reply: FastifyReply, title: string, ctx: PageContext, body: Html, code = 200) {
  return reply.code(code).type(HTML_TYPE).send(page({ title, ctx, body }));
}

function notFound(reply: FastifyReply, ctx: PageContext): FastifyReply {
  return send(
    reply,
    '未找到',
    ctx,
    html`<p>未找到该议定事项。</p>
      <p><a href="/decisions">返回议定事项</a></p>`,
    404,
  );
}

function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}" />`;
}

function idOf(req: FastifyRequest): string | null {
  const v = ((req.params ?? {}) as Record<string, unknown>).id;
  return typeof v === 'string' && ITEM_ID.test(v) ? v : null;
}

function field(req: FastifyRequest, name: string): string {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

function fields(req: FastifyRequest, name: string): string[] {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

function byOf(ctx: PageContext): string {
  return `console:${ctx.viewer?.email ?? 'unknown'}`;
}

function isOffice(ctx: PageContext): boolean {
  return ctx.viewer?.role === 'office' || ctx.viewer?.role === 'admin';
}

function multiline(text: string): Html {
  return html`${text.split(/\r?\n/).map((p, i) => html`${i > 0 ? html`<br />` : ''}${p}`)}`;
}

/** The item's mark as a badge: 红色 / 黄色 / 蓝色 / 待确认 / 已办结 / 正常. */
export function badge(row: Pick<LedgerRow, 'state' | 'colour'>): Html {
  const kind =
    row.state === 'closed'
      ? 'closed'
      : row.state === 'awaiting_confirmation'
        ? 'awaiting'
        : (row.colour ?? 'none');
  return html`<span class="badge badge-${kind}">${markZh(row)}</span>`;
}

function legend(): Html {
  return html`<p class="legend">
    图例：${badge({ state: 'open', colour: 'red' })} 已过办结时限
    ${badge({ state: 'open', colour: 'yellow' })} 进展滞后
    ${badge({ state: 'open', colour: 'blue' })} 临近办结时限
    ${badge({ state: 'awaiting_confirmation', colour: null })} 单位报已办结，待销号
    ${badge({ state: 'closed', colour: null })} 已销号
  </p>`;
}

function countsLine(l: Ledger): Html {
  const c = l.counts;
  return html`<p>
    截至${formatDateZh(l.asOf)}，共<strong>${c.total}</strong>项：未办结${c.open}项（红色${c.red}项、黄色${c.yellow}项、蓝色${c.blue}项），待确认${c.awaiting}项，已办结${c.closed}项。
  </p>`;
}

function historyList(row: LedgerRow): Html {
  if (row.history.length === 0) return html`<p class="muted">暂无记录。</p>`;
  return html`<ol class="history">
    ${row.history.map(
      (h) =>
        html`<li>
          <span class="muted">${formatDateZh(h.date)}</span> <strong>${h.what}</strong>
          ${multiline(h.text)}
        </li>`,
    )}
  </ol>`;
}

// ---------------------------------------------------------------------------------------------
// The list

function filterForm(f: DecisionFilters, schedule: Schedule): Html {
  const option = (value: string, label: string, current: string | null) =>
    html`<option value="${value}" ${current === value ? html`selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/decisions">
    <label
      >状态
      <select name="state">
        ${option('', '全部', f.state ?? '')}
        ${ITEM_STATES.map((s) => option(s, STATE_ZH[s], f.state))}
      </select></label
    >
    <label
      >颜色
      <select name="colour">
        ${option('', '全部', f.colour ?? '')}
        ${NOTICE_COLOURS.map((c) => option(c, COLOUR_ZH[c], f.colour))}
        ${option('none', '无（正常）', f.colour)}
      </select></label
    >
    <label
      >单位
      <select name="unit">
        ${option('', '全部', f.unit ?? '')}
        ${schedule.units.map((u) => option(u.id, u.name, f.unit))}
      </select></label
    >
    <button type="submit">筛选</button>
    <a href="/decisions">清除筛选</a>
  </form>`;
}

function itemTable(rows: readonly LedgerRow[], withLinks: boolean): Html {
  return html`<div class="table-wrap">
    <table class="decisions">
      <thead>
        <tr>
          <th>编号</th>
          <th>颜色</th>
          <th>议定事项</th>
          <th>所属项目</th>
          <th>责任单位</th>
          <th>配合单位</th>
          <th>办结时限</th>
          <th>状态</th>
          <th>最近落实情况</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((r) => {
          const last = [...r.history].reverse().find((h) => h.kind === 'report');
          return html`<tr class="mark-${r.state === 'open' ? (r.colour ?? 'none') : r.state}">
            <td>${withLinks ? html`<a href="/decisions/${r.id}">${r.id}</a>` : r.id}</td>
            <td>${badge(r)}${r.why ? html`<br /><small>${r.why}</small>` : ''}</td>
            <td class="text">${multiline(r.text)}</td>
            <td>${r.project ?? '—'}</td>
            <td>${r.responsible.join('、') || '—'}</td>
            <td>${r.cooperating.join('、') || '—'}</td>
            <td>${formatDateZh(r.due)}</td>
            <td>
              ${r.stateZh}${r.closedOn ? html`<br /><small>${formatDateZh(r.closedOn)}销号</small>` : ''}
            </td>
            <td class="text">${last ? last.text : html`<span class="muted">尚未报告</span>`}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

const DONE_ZH: Record<string, string> = {
  confirmed: '已办结销号。',
  sent_back: '已退回责任单位，退回通知已排队发送。',
  reopened: '已重新打开。',
  recorded: '已记录。',
};

// ---------------------------------------------------------------------------------------------
// The office's decisions

type ActionName = 'confirm' | 'send-back' | 'reopen';

const ACTIONS: Record<
  ActionName,
  { title: string; submit: string; text: string; note: 'required' | 'optional' | 'none' }
> = {
  confirm: {
    title: '办结销号',
    submit: '确认办结销号',
    text: '确认该事项已办结，予以销号。',
    note: 'none',
  },
  'send-back': {
    title: '退回',
    submit: '确认退回',
    text: '将该事项退回责任单位继续办理，并向责任单位发送退回通知（附说明）。',
    note: 'required',
  },
  reopen: {
    title: '重新打开',
    submit: '确认重新打开',
    text: '将已办结的事项重新打开，继续督办。',
    note: 'optional',
  },
};

function actionLinks(row: LedgerRow): Html {
  const links: Html[] = [];
  if (row.state !== 'closed') links.push(html`<a href="/decisions/${row.id}/confirm">办结销号</a>`);
  if (row.state === 'awaiting_confirmation') {
    links.push(html`<a href="/decisions/${row.id}/send-back">退回</a>`);
  }
  if (row.state === 'closed') links.push(html`<a href="/decisions/${row.id}/reopen">重新打开</a>`);
  return html`<p class="actions">${links.map((l, i) => html`${i > 0 ? ' · ' : ''}${l}`)}</p>`;
}

function itemCard(row: LedgerRow): Html {
  return html`<dl class="item">
    <dt>编号</dt>
    <dd>${row.id}</dd>
    <dt>会议</dt>
    <dd>${meetingLabel(row.meeting)}</dd>
    <dt>所属项目</dt>
    <dd>${row.project ?? '—'}</dd>
    <dt>议定事项</dt>
    <dd>${multiline(row.text)}</dd>
    <dt>责任单位</dt>
    <dd>${row.responsible.join('、') || '—'}</dd>
    <dt>配合单位</dt>
    <dd>${row.cooperating.join('、') || '—'}</dd>
    <dt>办结时限</dt>
    <dd>${formatDateZh(row.due)}</dd>
    ${
      row.note
        ? html`<dt>备注</dt>
            <dd>${multiline(row.note)}</dd>`
        : ''
    }
    <dt>状态</dt>
    <dd>
      ${row.stateZh}
      ${badge(row)}${row.why ? html` ${row.why}` : ''}${
        row.closedOn ? html`（${formatDateZh(row.closedOn)}销号）` : ''
      }
    </dd>
  </dl>`;
}

function refusal(err: unknown): { code: number; text: string } | null {
  if (!(err instanceof DubanError)) return null;
  if (err.code === 'ITEM_NOT_FOUND') return { code: 404, text: '未找到该议定事项。' };
  if (err.code === 'ITEM_STATE_CONFLICT') {
    return { code: 409, text: '该事项当前的状态不允许此操作（可能已由他人处理），请刷新后重试。' };
  }
  return null;
}

function actionRoutes(deps: DecisionRouteDeps): ConsoleRoute[] {
  const decisionDeps = (): DecisionDeps => ({
    decisions: deps.decisions,
    schedule: deps.schedule(),
  });
  const routes: ConsoleRoute[] = [];
  for (const name of Object.keys(ACTIONS) as ActionName[]) {
    const a = ACTIONS[name];
    routes.push({
      method: 'GET',
      url: `/decisions/:id/${name}`,
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idOf(req);
        const row = id === null ? null : await decisionPage(decisionDeps(), id, ctx.now);
        if (!row) return notFound(reply, ctx);
        const note =
          a.note === 'none'
            ? ''
            : html`<label
                >说明${a.note === 'required' ? '（必填，将随退回通知发给责任单位）' : '（选填）'}
                <textarea
                  name="note"
                  rows="3"
                  maxlength="${NOTE_MAX}"
                  ${a.note === 'required' ? html`required` : ''}
                ></textarea>
              </label>`;
        const body = html`${itemCard(row)}
          <form class="stack" method="post" action="/decisions/${row.id}/${name}">
            ${csrfField(ctx)}
            <p>${a.text}</p>
            ${note}
            <button type="submit" ${name === 'confirm' ? '' : html`class="danger"`}>
              ${a.submit}
            </button>
            <a href="/decisions/${row.id}">取消</a>
          </form>`;
        return send(reply, `${a.title}：${row.id}`, ctx, body);
      },
    });
    routes.push({
      method: 'POST',
      url: `/decisions/:id/${name}`,
      access: 'office',
      async handler(req, reply, ctx) {
        const id = idOf(req);
        if (id === null) return notFound(reply, ctx);
        const note = field(req, 'note').trim().slice(0, NOTE_MAX);
        const by = byOf(ctx);
        const back = (code: number, text: string) =>
          send(
            reply,
            '无法执行',
            ctx,
            html`<p>${text}</p>
              <p><a href="/decisions/${id}">返回该事项</a></p>`,
            code,
          );
        try {
          if (name === 'confirm') {
            await deps.actions.close(decisionDeps(), id, by, ctx.now);
          } else if (name === 'reopen') {
            await deps.actions.reopen(decisionDeps(), id, { by, note: note || null }, ctx.now);
          } else {
            if (note === '') return back(400, '退回须填写说明。');
            if (!deps.mail) return back(503, '本服务未配置发信，无法发送退回通知。');
            await deps.actions.sendBack(
              { ...deps.mail(), ...decisionDeps() },
              id,
              { by, note },
              ctx.now,
            );
          }
        } catch (err) {
          const r = refusal(err);
          if (!r) throw err;
          return r.code === 404 ? notFound(reply, ctx) : back(r.code, r.text);
        }
        const done =
          name === 'confirm' ? 'confirmed' : name === 'reopen' ? 'reopened' : 'sent_back';
        return reply.redirect(`/decisions/${id}?done=${done}`, 303);
      },
    });
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------
// Recording one item

const EMPTY_FORM: NewItemForm = {
  meetingDate: '',
  meetingName: '',
  n: '',
  project: '',
  text: '',
  responsible: [],
  cooperating: [],
  due: '',
  note: '',
};

function newItemForm(
  ctx: PageContext,
  schedule: Schedule,
  form: NewItemForm,
  problems: readonly string[],
): Html {
  const units = (name: 'responsible' | 'cooperating', chosen: readonly string[]) =>
    html`<select name="${name}" multiple size="${Math.min(8, schedule.units.length)}">
      ${schedule.units.map(
        (u) =>
          html`<option value="${u.id}" ${chosen.includes(u.id) ? html`selected` : ''}>
            ${u.name}
          </option>`,
      )}
    </select>`;
  return html`${
      problems.length > 0
        ? html`<div class="note bad" role="alert">
            <ul>
              ${problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <form class="stack wide" method="post" action="/decisions/new">
      ${csrfField(ctx)}
      <label
        >会议日期（必填）
        <input type="date" name="meetingDate" value="${form.meetingDate}" required
      /></label>
      <label
        >会议名称
        <input
          type="text"
          name="meetingName"
          value="${form.meetingName}"
          maxlength="200"
          placeholder="区重点项目联合会议第3次会议"
      /></label>
      <label
        >序号（必填，编号为会议日期加序号）
        <input type="text" name="n" value="${form.n}" inputmode="numeric" required
      /></label>
      <label
        >所属项目
        <select name="project">
          <option value="">（不属于某一项目）</option>
          ${schedule.projects.map(
            (p) =>
              html`<option value="${p.id}" ${form.project === p.id ? html`selected` : ''}>
                ${p.name}
              </option>`,
          )}
        </select></label
      >
      <label
        >议定事项（必填）
        <textarea name="text" rows="4" maxlength="2000" required>${form.text}</textarea>
      </label>
      <label>责任单位（必填，可多选） ${units('responsible', form.responsible)}</label>
      <label>配合单位（可多选） ${units('cooperating', form.cooperating)}</label>
      <label>办结时限（必填） <input type="date" name="due" value="${form.due}" required /></label>
      <label>备注 <textarea name="note" rows="2" maxlength="500">${form.note}</textarea></label>
      <button type="submit">记录</button>
      <a href="/decisions">取消</a>
    </form>`;
}

function recordRoutes(deps: DecisionRouteDeps): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/decisions/new',
      access: 'office',
      async handler(_req, reply, ctx) {
        return send(reply, '记录议定事项', ctx, newItemForm(ctx, deps.schedule(), EMPTY_FORM, []));
      },
    },
    {
      method: 'POST',
      url: '/decisions/new',
      access: 'office',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const form: NewItemForm = {
          meetingDate: field(req, 'meetingDate').trim(),
          meetingName: field(req, 'meetingName').slice(0, 200),
          n: field(req, 'n'),
          project: field(req, 'project'),
          text: field(req, 'text').slice(0, 2000),
          responsible: fields(req, 'responsible'),
          cooperating: fields(req, 'cooperating'),
          due: field(req, 'due').trim(),
          note: field(req, 'note').slice(0, 500),
        };
        const read = readingOfForm(form, schedule);
        if (!read.ok) {
          return send(
            reply,
            '记录议定事项',
            ctx,
            newItemForm(ctx, schedule, form, read.problems),
            400,
          );
        }
        const result = await deps.actions.record(
          { decisions: deps.decisions, schedule },
          read.reading,
          { by: byOf(ctx), rawMessageId: null },
          ctx.now,
        );
        const item = result.items[0];
        if (!item || result.meeting === null) {
          const problems = result.issues.map((i) => i.message);
          return send(
            reply,
            '记录议定事项',
            ctx,
            newItemForm(ctx, schedule, form, problems.length > 0 ? problems : ['未能记录。']),
            400,
          );
        }
        const warnings = result.issues.map((i) => i.message);
        const body = html`<p class="notice" role="status">${recordedZh(result)}</p>
          ${
            warnings.length > 0
              ? html`<div class="note warn">
                  <ul>
                    ${warnings.map((w) => html`<li>${w}</li>`)}
                  </ul>
                </div>`
              : ''
          }
          <p>
            <a href="/decisions/${item.id}">查看 ${item.id}</a> ·
            <a href="/decisions/new">继续记录</a> · <a href="/decisions">返回议定事项</a>
          </p>`;
        return send(reply, '记录议定事项', ctx, body);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------

export function renderLedgerPage(ledger: Ledger, programmeName: string): Html {
  return html`<section class="ledger">
    <p class="ledger-title">${programmeName}督办台账</p>
    ${countsLine(ledger)} ${legend()}
    <p class="no-print"><a href="/ledger.xlsx">下载台账（Excel）</a></p>
    ${
      ledger.rows.length === 0
        ? html`<p>暂无议定事项。</p>`
        : html`<div class="table-wrap">
            <table class="ledger-table">
              <thead>
                <tr>
                  <th>编号</th>
                  <th>会议</th>
                  <th>所属项目</th>
                  <th>议定事项</th>
                  <th>责任单位</th>
                  <th>配合单位</th>
                  <th>办结时限</th>
                  <th>状态</th>
                  <th>当前颜色</th>
                </tr>
              </thead>
              ${ledger.rows.map(
                (r) =>
                  html`<tbody class="ledger-item">
                    <tr class="mark-${r.state === 'open' ? (r.colour ?? 'none') : r.state}">
                      <td><a href="/decisions/${r.id}">${r.id}</a></td>
                      <td>${r.meeting.name || '联合会议'}<br />${formatDateZh(r.meeting.date)}</td>
                      <td>${r.project ?? '—'}</td>
                      <td class="text">
                        ${multiline(r.text)}${
                          r.note ? html`<br /><small>备注：${multiline(r.note)}</small>` : ''
                        }
                      </td>
                      <td>${r.responsible.join('、') || '—'}</td>
                      <td>${r.cooperating.join('、') || '—'}</td>
                      <td>${formatDateZh(r.due)}</td>
                      <td>
                        ${r.stateZh}${
                          r.closedOn
                            ? html`<br /><small>${formatDateZh(r.closedOn)}销号</small>`
                            : ''
                        }
                      </td>
                      <td>${badge(r)}${r.why ? html`<br /><small>${r.why}</small>` : ''}</td>
                    </tr>
                    ${r.history.map(
                      (h) =>
                        html`<tr class="history-row">
                          <td></td>
                          <td>${formatDateZh(h.date)}</td>
                          <td>${h.what}</td>
                          <td class="text" colspan="6">${multiline(h.text)}</td>
                        </tr>`,
                    )}
                  </tbody>`,
              )}
            </table>
          </div>`
    }
  </section>`;
}

export function decisionRoutes(deps: DecisionRouteDeps): ConsoleRoute[] {
  const decisionDeps = (): DecisionDeps => ({
    decisions: deps.decisions,
    schedule: deps.schedule(),
  });
  return [
    {
      method: 'GET',
      url: '/decisions',
      access: 'leader',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const query = (req.query ?? {}) as Record<string, unknown>;
        const filters = decisionFilters(
          query,
          schedule.units.map((u) => u.id),
        );
        const v = await decisionsPage(decisionDeps(), filters, ctx.now);
        const filtered = filters.state !== null || filters.colour !== null || filters.unit !== null;
        const body = html`${countsLine(v.ledger)} ${legend()}
        ${
          isOffice(ctx)
            ? html`<p>
                <a href="/decisions/new">记录议定事项</a> · <a href="/ledger">督办台账</a>
              </p>`
            : html`<p><a href="/ledger">督办台账</a></p>`
        }
        ${filterForm(filters, schedule)}
        ${filtered ? html`<p class="muted">符合筛选条件的${v.rows.length}项：</p>` : ''}
        ${
          v.rows.length === 0
            ? html`<p>${filtered ? '没有符合筛选条件的议定事项。' : '暂无议定事项。'}</p>`
            : itemTable(v.rows, true)
        }`;
        return send(reply, '议定事项', ctx, body);
      },
    },
    ...recordRoutes(deps),
    {
      method: 'GET',
      url: '/decisions/:id',
      access: 'leader',
      async handler(req, reply, ctx) {
        const id = idOf(req);
        const row = id === null ? null : await decisionPage(decisionDeps(), id, ctx.now);
        if (!row) return notFound(reply, ctx);
        const done = ((req.query ?? {}) as Record<string, unknown>).done;
        const doneText = typeof done === 'string' ? DONE_ZH[done] : undefined;
        const body = html`${doneText ? html`<p class="notice" role="status">${doneText}</p>` : ''}
          ${itemCard(row)} ${isOffice(ctx) ? actionLinks(row) : ''}
          <h2>督办记录</h2>
          ${historyList(row)}
          <p><a href="/decisions">返回议定事项</a></p>`;
        return send(reply, `议定事项 ${row.id}`, ctx, body);
      },
    },
    ...actionRoutes(deps),
    {
      method: 'GET',
      url: '/ledger',
      access: 'leader',
      async handler(_req, reply, ctx) {
        const schedule = deps.schedule();
        const ledger = await readLedger(decisionDeps(), ctx.now);
        return send(reply, '督办台账', ctx, renderLedgerPage(ledger, schedule.programme.name));
      },
    },
    {
      method: 'GET',
      url: '/ledger.xlsx',
      access: 'leader',
      async handler(_req, reply, ctx) {
        const schedule = deps.schedule();
        const ledger = await readLedger(decisionDeps(), ctx.now);
        const bytes = await ledgerXlsx(ledger, schedule.programme.name);
        return reply
          .header(
            'content-type',
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          )
          .header(
            'content-disposition',
            attachmentDisposition(`督办台账-${ledger.asOf.replaceAll('-', '')}.xlsx`),
          )
          .header('x-content-type-options', 'nosniff')
          .send(bytes);
      },
    },
  ];
}

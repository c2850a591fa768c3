/**
 * The console's read-only pages (access 'leader': the convenors and the office): the week board,
 * a unit's page, a project's page and the problems by responsible department. Server-rendered
 * zh-CN, usable without JavaScript; wide tables sit in `.scroll` boxes that scroll sideways on a
 * phone. Every value from a sheet or a mail goes through `html` (escaped).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  departmentsPage,
  latestClosedWeek,
  type DepartmentsPageView,
} from '../../../app/console/departments-page';
import { projectPage, type ProjectPageView } from '../../../app/console/project-page';
import { unitPage, type UnitPageView, type VersionView } from '../../../app/console/unit-page';
import { weekBoard, type WeekBoardView } from '../../../app/console/week-board';
import { weekParam } from '../../../app/console/week-param';
import type { BoardReads } from '../../../app/ports/board-reads';
import type { Schedule } from '../../../config/schedule';
import { html, safeHref, type Html } from '../html';
import { page } from '../layout';
import type { ConsoleRoute, PageContext } from '../route';

export interface BoardDeps {
  reads: BoardReads;
  /** The schedule in force (read at each request: a reload applies at once). */
  schedule: () => Schedule;
}

const HTML_TYPE = 'text/html; charset=utf-8';

function send(reply: FastifyReply, body: string, code = 200): FastifyReply {
  return reply.code(code).type(HTML_TYPE).send(body);
}

/** The zh-CN "not found" page. */
export function notFoundPage(reply: FastifyReply, ctx: PageContext, what: string): FastifyReply {
  return send(
    reply,
    page({
      title: '未找到',
      ctx,
      body: html`<p>${what}</p>
        <p><a href="/">返回本周</a></p>`,
    }),
    404,
  );
}

function param(req: FastifyRequest, name: string): string {
  const p = (req.params ?? {}) as Record<string, unknown>;
  const v = p[name];
  return typeof v === 'string' ? v : '';
}

/** `?week=` on a unit's or project's page: the newest week shown (the week board links so). */
function endWeekOf(req: FastifyRequest): string | undefined {
  const text = query(req, 'week');
  const w = text === null ? null : weekParam(text);
  return w && w.kind !== 'invalid' ? w.week : undefined;
}

function query(req: FastifyRequest, name: string): string | null {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const v = q[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function lines(text: string | null): Html {
  if (text === null || text.trim() === '') return html`<span class="muted">未填报</span>`;
  const parts = text.split(/\r?\n/);
  return html`${parts.map((p, i) => html`${i > 0 ? html`<br />` : ''}${p}`)}`;
}

/** Previous / next links and a date form (GET: works without JavaScript). */
function weekPicker(
  action: string,
  href: (week: string) => string,
  week: string,
  previous: string,
  next: string,
): Html {
  return html`<nav class="week-picker">
    <a href="${href(previous)}">← 上一周</a>
    <form method="get" action="${action}">
      <label>选择日期 <input type="date" name="date" value="${week}" required /></label>
      <button type="submit">查看</button>
    </form>
    <a href="${href(next)}">下一周 →</a>
  </nav>`;
}

function fileLink(file: { attachmentId: number; filename: string | null } | null): Html {
  if (!file) return html``;
  return html`<a href="/attachments/${String(file.attachmentId)}"
    >${file.filename ?? '下载原件'}</a
  >`;
}

// ---------------------------------------------------------------------------------------------
// The week board

export function renderWeekBoard(v: WeekBoardView, ctx: PageContext): string {
  const rows = v.units.map(
    (u) =>
      html`<tr class="state-${u.state}">
        <td><a href="/units/${encodeURIComponent(u.unitId)}?week=${v.week}">${u.unitName}</a></td>
        <td>
          <span class="tone-${u.tone}">${u.stateLabel}</span>${
            u.reason ? html`<br /><small>原因代码：${u.reason}</small>` : ''
          }${
            u.cloudLinks.length > 0
              ? html`<ul class="links">
                  ${u.cloudLinks.map(
                    (l) =>
                      html`<li>
                        ${l.providerLabel}：${l.filename ?? '（未注明文件名）'}
                        <a href="${safeHref(l.url)}" rel="noopener noreferrer nofollow">${l.url}</a
                        >（未下载）
                      </li>`,
                  )}
                </ul>`
              : ''
          }
        </td>
        <td>${u.submittedAt ?? '—'}</td>
        <td>
          ${
            u.reminders.length > 0
              ? html`${u.reminders.map((r, i) => html`${i > 0 ? '、' : ''}${r.label}`)}`
              : '—'
          }
        </td>
        <td>${fileLink(u.file)}</td>
        <td>${u.details.length ? html`<small>${u.details.join('；')}</small>` : ''}</td>
      </tr>`,
  );
  const body = html`${weekPicker('/weeks', (w) => `/weeks/${w}`, v.week, v.previousWeek, v.nextWeek)}
    <p>
      报送截止时间：<strong>${v.deadline.label}</strong>${
        v.deadline.shifted ? html`（原定${v.deadline.nominalLabel}，因节假日调整）` : ''
      }${v.deadline.passed ? '，已截止' : '，尚未截止'}。
      ${v.digestSentAt ? html`本周周报已于${v.digestSentAt}发出。` : ''}
    </p>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>牵头单位</th>
            <th>报送情况</th>
            <th>收到时间</th>
            <th>已发催报</th>
            <th>报送文件</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>`;
  return page({ title: `${v.weekLabel}报送情况`, ctx, body });
}

// ---------------------------------------------------------------------------------------------
// A unit's page

function renderVersion(v: VersionView): Html {
  return html`<article class="version" id="v${String(v.submissionId)}">
    <h3>
      ${v.weekLabel} ·
      ${v.arrivedAt}收到${v.isCurrent ? html` <span class="tag">当前版本</span>` : ''}${
        v.late ? html` <span class="tag tone-warn">逾期</span>` : ''
      }
    </h3>
    <p>${v.statusLabel}${v.file ? html`；原件：${fileLink(v.file)}` : ''}</p>
    ${
      v.cloudLinks.length > 0
        ? html`<ul class="links">
            ${v.cloudLinks.map(
              (l) =>
                html`<li>
                  ${l.providerLabel}：${l.filename ?? '（未注明文件名）'}
                  <a href="${safeHref(l.url)}" rel="noopener noreferrer nofollow">${l.url}</a
                  >（未下载）
                </li>`,
            )}
          </ul>`
        : ''
    }
    ${
      v.issues.length > 0
        ? html`<details>
            <summary>发现的问题（${String(v.issues.length)}项）</summary>
            <ul>
              ${v.issues.map(
                (i) =>
                  html`<li class="severity-${i.severity}">
                    ${i.severity === 'error' ? '错误' : '提示'}：${i.cell ? `${i.cell}：` : ''}${i.message}
                    <small>（${i.code}）</small>
                  </li>`,
              )}
            </ul>
          </details>`
        : ''
    }
    ${v.projects.map(
      (p) =>
        html`<section class="project-block">
          <h4>
            ${p.projectId ? html`<a href="/projects/${encodeURIComponent(p.projectId)}?week=${v.week}">${p.name}</a>` : p.name}
          </h4>
          <dl>
            <dt>存在问题</dt>
            <dd>
              ${
                p.problems.length > 0
                  ? html`<ul>
                      ${p.problems.map((q) => html`<li>${q.label}：${lines(q.text)}</li>`)}
                    </ul>`
                  : html`<span class="muted">未填报</span>`
              }
            </dd>
            <dt>问题责任部门</dt>
            <dd>${p.departments.length ? p.departments.join('、') : '未填报'}</dd>
            <dt>协调推进情况</dt>
            <dd>${lines(p.progress)}</dd>
            <dt>下阶段工作对策建议</dt>
            <dd>${lines(p.nextSteps)}</dd>
            <dt>攻坚目标</dt>
            <dd>
              ${
                p.targets.length > 0
                  ? html`<ul>
                      ${p.targets.map(
                        (t) =>
                          html`<li>
                            ${t.text}（完成时限：${t.due || '未填'}${t.status ? `；${t.status}` : ''}）
                          </li>`,
                      )}
                    </ul>`
                  : '未填报'
              }
            </dd>
          </dl>
        </section>`,
    )}
  </article>`;
}

export function renderUnitPage(v: UnitPageView, ctx: PageContext): string {
  const body = html`<p>报送邮箱：${v.addresses.join('、') || '未配置'}</p>
    <h2>各周报送情况</h2>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>周次</th>
            <th>报送情况</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody>
          ${v.weeks.map(
            (w) =>
              html`<tr class="state-${w.state}">
                <td><a href="/weeks/${w.week}">${w.weekLabel}</a></td>
                <td><span class="tone-${w.tone}">${w.stateLabel}</span></td>
                <td><small>${w.details.join('；')}</small></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>收到的版本</h2>
    ${v.versions.length > 0 ? v.versions.map(renderVersion) : html`<p>近期未收到报送。</p>`}
    <h2>发给本单位的邮件</h2>
    ${
      v.mails.length > 0
        ? v.mails.map(
            (m) =>
              html`<details class="mail">
                <summary>${m.at} · ${m.kindLabel} · ${m.subject}（${m.statusLabel}）</summary>
                <p>收件人：${m.to.join('、')}</p>
                ${m.text !== null ? html`<pre class="mail-text">${m.text}</pre>` : html`<p class="muted">无正文</p>`}
              </details>`,
          )
        : html`<p>尚未向本单位发送邮件。</p>`
    }`;
  return page({ title: v.unitName, ctx, body });
}

// ---------------------------------------------------------------------------------------------
// A project's page

export function renderProjectPage(v: ProjectPageView, ctx: PageContext): string {
  const body = html`<p>
      牵头单位：${v.leadUnits.map(
        (u, i) =>
          html`${i > 0 ? '、' : ''}<a href="/units/${encodeURIComponent(u.id)}">${u.name}</a>`,
      )}；负责领导：${v.leader || '未配置'}
    </p>
    <h2>攻坚目标完成情况</h2>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>攻坚目标</th>
            <th>完成时限</th>
            ${v.weeks.map((w) => html`<th><a href="/weeks/${w.week}">${w.weekLabel}</a></th>`)}
          </tr>
        </thead>
        <tbody>
          ${v.targets.map(
            (t) =>
              html`<tr>
                <td>${t.text}</td>
                <td>${t.dueLabel}</td>
                ${t.statuses.map((s) => html`<td>${s ?? '—'}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>存在问题</h2>
    ${
      v.problems.length > 0
        ? v.problems.map(
            (p) =>
              html`<section class="problem">
                <h3>${p.label}</h3>
                <ul>
                  ${p.cells.map(
                    (c) =>
                      html`<li>
                        <strong>${c.weekLabel}</strong>
                        <span class="mark tone-${c.tone}">【${c.markLabel}】</span>
                        ${lines(c.text)}
                      </li>`,
                  )}
                </ul>
              </section>`,
          )
        : html`<p>所示各周均未填报存在问题。</p>`
    }
    <h2>各周填报</h2>
    ${v.weeks.map(
      (w) =>
        html`<section class="week-report">
          <h3>${w.weekLabel}</h3>
          ${
            w.reported
              ? html`<dl>
                  <dt>填报单位</dt>
                  <dd>${w.reportedBy ?? ''}（${w.submittedAt ?? ''}）</dd>
                  <dt>问题责任部门</dt>
                  <dd>${w.departments.length ? w.departments.join('、') : '未填报'}</dd>
                  <dt>协调推进情况</dt>
                  <dd>${lines(w.progress)}</dd>
                  <dt>下阶段工作对策建议</dt>
                  <dd>${lines(w.nextSteps)}</dd>
                </dl>`
              : html`<p class="muted">本周未报送。</p>`
          }
        </section>`,
    )}`;
  return page({ title: v.name, ctx, body });
}

// ---------------------------------------------------------------------------------------------
// By responsible department

export function renderDepartmentsPage(v: DepartmentsPageView, ctx: PageContext): string {
  const body = html`${weekPicker('/departments', (w) => `/departments?week=${w}`, v.week, v.previousWeek, v.nextWeek)}
    <p>按各项目${v.weekLabel}填报的问题责任部门归集。</p>
    ${
      v.departments.length > 0
        ? v.departments.map(
            (d) =>
              html`<section class="department">
                <h2>${d.name}（${String(d.projects.length)}个项目，${String(d.itemCount)}项）</h2>
                ${d.projects.map(
                  (p) =>
                    html`<h3>
                        ${p.projectId ? html`<a href="/projects/${encodeURIComponent(p.projectId)}">${p.projectName}</a>` : p.projectName}
                      </h3>
                      <ul>
                        ${p.items.map(
                          (i) =>
                            html`<li>
                              ${i.label}<span class="mark tone-${i.tone}">【${i.markLabel}】</span
                              >${lines(i.text)}
                            </li>`,
                        )}
                      </ul>`,
                )}
              </section>`,
          )
        : html`<p>本周无待解决问题。</p>`
    }
    ${
      v.unmatched.length > 0
        ? html`<p class="note">
            以下问题责任部门未能对应到配置中的单位，不会收到每周问题清单，请在配置中补充该单位或别名：${v.unmatched.join('、')}。
          </p>`
        : ''
    }`;
  return page({ title: `问题按责任部门汇总（${v.weekLabel}）`, ctx, body });
}

// ---------------------------------------------------------------------------------------------
// Routes

/** A week chosen by the picker's date (?date=…), or null. */
function pickedWeek(req: FastifyRequest): string | null {
  const date = query(req, 'date') ?? query(req, 'week');
  if (date === null) return null;
  const w = weekParam(date);
  return w.kind === 'invalid' ? null : w.week;
}

export function boardRoutes(deps: BoardDeps): ConsoleRoute[] {
  const entityPage = <V>(
    url: string,
    notFound: string,
    load: (
      reads: BoardReads,
      schedule: Schedule,
      id: string,
      now: Date,
      endWeek?: string,
    ) => Promise<V | null>,
    render: (view: V, ctx: PageContext) => string,
  ): ConsoleRoute => ({
    method: 'GET',
    url,
    access: 'leader',
    async handler(req, reply, ctx) {
      const view = await load(
        deps.reads,
        deps.schedule(),
        param(req, 'id'),
        ctx.now,
        endWeekOf(req),
      );
      if (!view) return notFoundPage(reply, ctx, notFound);
      return send(reply, render(view, ctx));
    },
  });

  return [
    {
      method: 'GET',
      url: '/weeks',
      access: 'leader',
      async handler(req, reply, ctx) {
        const week = pickedWeek(req);
        if (week === null) return notFoundPage(reply, ctx, '日期无效，请按“年-月-日”选择日期。');
        return reply.redirect(`/weeks/${week}`);
      },
    },
    {
      method: 'GET',
      url: '/weeks/:monday',
      access: 'leader',
      async handler(req, reply, ctx) {
        const w = weekParam(param(req, 'monday'));
        if (w.kind === 'invalid') return notFoundPage(reply, ctx, '未找到该周：日期无效。');
        if (w.kind === 'redirect') return reply.redirect(`/weeks/${w.week}`);
        const view = await weekBoard(deps.reads, deps.schedule(), w.week, ctx.now);
        return send(reply, renderWeekBoard(view, ctx));
      },
    },
    entityPage('/units/:id', '未找到该单位。', unitPage, renderUnitPage),
    entityPage('/projects/:id', '未找到该项目。', projectPage, renderProjectPage),
    {
      method: 'GET',
      url: '/departments',
      access: 'leader',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const week = pickedWeek(req) ?? latestClosedWeek(schedule, ctx.now);
        const view = await departmentsPage(deps.reads, schedule, week);
        return send(reply, renderDepartmentsPage(view, ctx));
      },
    },
  ];
}

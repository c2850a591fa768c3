/**
 * The assessment record (考评) in the console (access 'leader': the office and the convenors):
 * a period form (GET from/to, by default the current quarter to date), the table of facts per
 * unit, each fact's definition, and the workbook to download (/assessment.xlsx?from=&to=).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildAssessment, type AssessmentDeps } from '../../../app/assessment/build';
import type { Schedule } from '../../../config/schedule';
import { wallClock } from '../../../domain/calendar';
import { FACT_DEFINITIONS, SCORE_DEFINITION } from '../../../domain/assessment/definitions';
import { checkPeriod, quarterToDate } from '../../../domain/assessment/period';
import type { AssessmentRecord } from '../../../domain/assessment/types';
import { formatDateZh } from '../../../domain/zh/dates';
import { writeAssessmentWorkbook } from '../../excel/assessment-workbook';
import { html } from '../html';
import { page } from '../layout';
import type { ConsoleRoute, PageContext } from '../route';
import { attachmentDisposition } from './office-format';

export interface AssessmentRouteDeps {
  assessment: AssessmentDeps;
  /** The schedule in force (read at each request). */
  schedule: () => Schedule;
}

const HTML_TYPE = 'text/html; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function query(req: FastifyRequest, name: string): string | null {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const v = q[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

type PeriodParam = { ok: true; from: string; to: string } | { ok: false; from: string; to: string };

/** The period asked for, or the current quarter to date when neither end is given. */
function periodOf(req: FastifyRequest, schedule: Schedule, now: Date): PeriodParam {
  const today = wallClock(now, schedule.programme.timezone).date;
  const fallback = quarterToDate(today);
  const from = query(req, 'from') ?? fallback.from;
  const to = query(req, 'to') ?? fallback.to;
  const checked = checkPeriod(from, to);
  return checked.ok ? checked : { ok: false, from, to };
}

function form(from: string, to: string): ReturnType<typeof html> {
  return html`<form class="period" method="get" action="/assessment">
    <label>起始日期 <input type="date" name="from" value="${from}" required /></label>
    <label>截止日期 <input type="date" name="to" value="${to}" required /></label>
    <button type="submit">查看</button>
  </form>`;
}

function definitions(scored: boolean): ReturnType<typeof html> {
  return html`<h2>指标说明</h2>
    <dl class="definitions">
      ${FACT_DEFINITIONS.map(
        (d) =>
          html`<dt>${d.label}</dt>
            <dd>${d.definition}</dd>`,
      )}
      ${
        scored
          ? html`<dt>得分</dt>
              <dd>${SCORE_DEFINITION}</dd>`
          : ''
      }
    </dl>`;
}

export function renderAssessment(
  record: AssessmentRecord,
  schedule: Schedule,
  ctx: PageContext,
): string {
  const names = new Map(schedule.units.map((u) => [u.id, u.name]));
  const scored = record.units.some((u) => u.score !== undefined);
  const download = `/assessment.xlsx?from=${encodeURIComponent(record.from)}&to=${encodeURIComponent(record.to)}`;
  const rows = record.units.map(
    (u, i) =>
      html`<tr>
        <td>${String(i + 1)}</td>
        <td>${names.get(u.unit) ?? u.unit}</td>
        ${FACT_DEFINITIONS.map((d) => html`<td class="num">${String(u[d.name])}</td>`)}
        ${
          scored
            ? html`<td class="num">${u.score ? String(u.score.value) : ''}</td>
                <td><small>${u.score?.formula ?? ''}</small></td>`
            : ''
        }
      </tr>`,
  );
  const body = html`${form(record.from, record.to)}
    <p>
      统计期：${formatDateZh(record.from)}至${formatDateZh(record.to)}（起止日均含在内）。仅列事实，各项定义见下文。
      <a href="${download}">下载考评记录（Excel）</a>
    </p>
    ${
      record.units.length === 0
        ? html`<p class="muted">统计期内没有应报送的单位。</p>`
        : html`<div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>序号</th>
                  <th>单位</th>
                  ${FACT_DEFINITIONS.map((d) => html`<th title="${d.definition}">${d.label}</th>`)}
                  ${
                    scored
                      ? html`<th>得分</th>
                          <th>计算式</th>`
                      : ''
                  }
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
    }
    ${definitions(scored)}`;
  return page({ title: '考评记录', ctx, body });
}

function badPeriod(reply: FastifyReply, ctx: PageContext, from: string, to: string): FastifyReply {
  const body = html`${form(from, to)}
    <p class="tone-bad">
      统计期有误：起止日期须为有效日期（如2021-01-01），且起始日期不晚于截止日期。
    </p>`;
  return reply
    .code(400)
    .type(HTML_TYPE)
    .send(page({ title: '考评记录', ctx, body }));
}

export function assessmentRoutes(deps: AssessmentRouteDeps): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/assessment',
      access: 'leader',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const period = periodOf(req, schedule, ctx.now);
        if (!period.ok) return badPeriod(reply, ctx, period.from, period.to);
        const record = await buildAssessment(deps.assessment, {
          schedule,
          from: period.from,
          to: period.to,
          now: ctx.now,
        });
        return reply.type(HTML_TYPE).send(renderAssessment(record, schedule, ctx));
      },
    },
    {
      method: 'GET',
      url: '/assessment.xlsx',
      access: 'leader',
      async handler(req, reply, ctx) {
        const schedule = deps.schedule();
        const period = periodOf(req, schedule, ctx.now);
        if (!period.ok) return badPeriod(reply, ctx, period.from, period.to);
        const record = await buildAssessment(deps.assessment, {
          schedule,
          from: period.from,
          to: period.to,
          now: ctx.now,
        });
        const bytes = await writeAssessmentWorkbook({
          record,
          unitNames: new Map(schedule.units.map((u) => [u.id, u.name])),
          programme: schedule.programme.name,
        });
        return reply
          .header('content-type', XLSX_TYPE)
          .header(
            'content-disposition',
            attachmentDisposition(`考评记录_${period.from}_${period.to}.xlsx`),
          )
          .header('x-content-type-options', 'nosniff')
          .send(bytes);
      },
    },
  ];
}

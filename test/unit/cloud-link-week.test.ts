/**
 * A unit whose only mail of the week was a large-attachment link: the week status calls it
 * invalid with the reason and the link (not missing), the reminders and the escalation to the
 * leader say it sent mail that held only a link (file name given) rather than "not sent", and the
 * digest shows "已收到邮件，未能使用（…）" and lists the link for the office. Fixed clocks.
 */
import type { Schedule } from '../../src/config/schedule';
import { buildDigestModel, renderDigestHtml, renderDigestText } from '../../src/domain/digest';
import type { CloudLinkFact } from '../../src/domain/intake/cloud-link-issue';
import { stateLabel } from '../../src/domain/digest/format';
import {
  composeReminder,
  planReminders,
  type PlannedReminder,
  type RejectedVersion,
} from '../../src/domain/reminders';
import { weekStatus, type SubmissionFact } from '../../src/domain/week-status';
import { scenarioInput, WEEK } from '../fixtures/digest/scenario';
import { exampleSchedule } from '../helpers/sheets';

const LINK: CloudLinkFact = {
  provider: 'qq',
  url: 'http://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k=0d61&code=3ab4',
  filename: '卫健局问题清单.xlsx',
};
const SENT_AT = new Date('2021-03-15T02:02:00Z');

const linkOnly = (id: number, unitId: string, arrivedAt = SENT_AT): SubmissionFact => ({
  id,
  unitId,
  arrivedAt,
  status: 'rejected',
  late: false,
  isCurrent: false,
  projectIds: [],
  reason: 'CLOUD_LINK',
  cloudLinks: [LINK],
});

describe('a unit that sent only a large-attachment link', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });

  it('is invalid for the week, with the reason and the link, not missing', () => {
    const s = weekStatus(schedule, '2021-03-15', [linkOnly(1, 'weijian')], null);
    expect(s.find((u) => u.unit === 'weijian')).toMatchObject({
      state: 'invalid',
      submissionId: 1,
      submittedAt: SENT_AT,
      unusable: { reason: 'CLOUD_LINK', cloudLinks: [LINK] },
    });
    expect(s.find((u) => u.unit === 'jiaoyu')).toMatchObject({ state: 'missing' });
    expect(s.find((u) => u.unit === 'jiaoyu')?.unusable).toBeUndefined();
  });

  it('is judged by its sheet once one arrives after the link', () => {
    const s = weekStatus(
      schedule,
      '2021-03-15',
      [
        linkOnly(1, 'weijian'),
        {
          ...linkOnly(2, 'weijian', new Date('2021-03-15T03:00:00Z')),
          status: 'accepted',
          reason: null,
          cloudLinks: [],
          isCurrent: true,
          projectIds: ['p2'],
        },
      ],
      null,
    ).find((u) => u.unit === 'weijian');
    expect(s).toMatchObject({ state: 'on_time', submissionId: 2 });
    expect(s?.unusable).toBeUndefined();
  });

  async function reminderAt(now: string, sentStages: string[] = []) {
    const units = weekStatus(schedule, '2021-03-15', [linkOnly(1, 'weijian')], null);
    const p = planReminders({ schedule, week: '2021-03-15', now: new Date(now), units, sent: [] });
    const r = p.due.find((d) => d.unit.id === 'weijian') as PlannedReminder;
    const rejected: RejectedVersion[] = [
      { at: SENT_AT, codes: ['CLOUD_LINK'], cloudLinks: [LINK] },
    ];
    return {
      r,
      mail: composeReminder(r, {
        schedule,
        now: new Date(now),
        ladder: p.ladder,
        sentStages,
        rejected,
        templateFile: r.stage.tone === 'escalation' ? null : '问题清单-weijian-2021-03-15.xlsx',
        previousWeek: null,
      }),
    };
  }

  it('is still reminded, and the reminder says its mail held only a link', async () => {
    const { r, mail } = await reminderAt('2021-03-15T10:30:00Z');
    expect(r.state).toBe('invalid');
    expect(r.stage.tone).toBe('overdue');
    expect(mail.text).toContain(
      '你单位2021年3月15日（星期一）10:02发送的邮件仅含超大附件链接（文件名：卫健局问题清单.xlsx），未附文件本身。本周报送尚未完成。',
    );
  });

  it('is escalated to the leader as having sent only a link, never as "not sent"', async () => {
    const { r, mail } = await reminderAt('2021-03-16T01:00:00Z', ['morning', 'overdue']);
    expect(r.stage.tone).toBe('escalation');
    expect(mail.subject).toBe(
      '【督办】区卫健局2021年3月15日当周问题清单未能使用（仅含超大附件链接）',
    );
    expect(mail.text).toContain(
      '该单位已发送邮件但仅含超大附件链接（文件名：卫健局问题清单.xlsx），未附文件本身。',
    );
    expect(mail.text).toContain(
      '- 2021年3月15日（星期一）10:02发送的邮件仅含超大附件链接（文件名：卫健局问题清单.xlsx），未附文件本身',
    );
    expect(mail.text).not.toContain('未报送');
    expect(mail.text).not.toContain('本周未收到该单位发送的问题清单');
  });

  it('shows in the digest as received but not usable, with the link for the office', () => {
    const base = scenarioInput(schedule);
    const missing = buildDigestModel(base).submissions.find(
      (s) => s.state === 'missing' && !s.pending,
    );
    expect(missing).toBeDefined();
    const unitId = missing?.unitId ?? '';
    const fact = linkOnly(999, unitId, new Date(`${WEEK}T02:02:00Z`));
    const m = buildDigestModel({ ...base, facts: [...base.facts, fact] });
    const line = m.submissions.find((s) => s.unitId === unitId);
    expect(line?.state).toBe('invalid');
    expect(stateLabel(line!).label).toBe(
      '已收到邮件，未能使用（仅含超大附件链接（文件名：卫健局问题清单.xlsx），未附文件本身），已通知修改',
    );
    expect(m.office.cloudLinks).toEqual([
      {
        at: expect.stringContaining('10:02'),
        unitName: line?.unitName,
        filename: '卫健局问题清单.xlsx',
        url: LINK.url,
      },
    ]);
    const text = renderDigestText(m);
    expect(text).toContain('仅发送超大附件链接');
    expect(text).toContain(`“卫健局问题清单.xlsx”，链接：${LINK.url}`);
    expect(text).not.toContain(`未报送1个（${line?.unitName}）`);
    expect(renderDigestHtml(m)).toContain('卫健局问题清单.xlsx');
  });
});

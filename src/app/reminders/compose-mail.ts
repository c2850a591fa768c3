/** A due reminder composed as a mail: the text of its stage, and the pre-filled template when the stage attaches one. */
import {
  attachesTemplate,
  composeReminder,
  type Plan,
  type PlannedReminder,
} from '../../domain/reminders';
import { mailAddress } from '../../domain/mail/address';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import type { PreviewDeps } from './deps';
import { templateItemsFor } from '../decisions/template-items';
import { loadPreviousAnswers } from './previous-answers';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function composeReminderMail(
  deps: PreviewDeps,
  plan: Plan,
  r: PlannedReminder,
  now: Date,
): Promise<OutgoingMail> {
  const { reads, schedule } = deps;
  const sent = await reads.remindersSent(r.week);
  const withTemplate = attachesTemplate(r.stage.stage);
  const previous = withTemplate
    ? await loadPreviousAnswers(reads, schedule, r.unit.id, r.week)
    : null;
  const templateFile = withTemplate ? `问题清单-${r.unit.id}-${r.week}.xlsx` : null;
  const items = deps.decisions ? await templateItemsFor(deps.decisions, r.unit.id) : [];
  const composed = composeReminder(r, {
    schedule,
    now,
    ladder: plan.ladder,
    sentStages: sent.filter((s) => s.unitId === r.unit.id).map((s) => s.stage),
    rejected: r.state === 'invalid' ? await reads.rejectedVersions(r.week, r.unit.id) : [],
    templateFile,
    previousWeek: previous?.week ?? null,
    items,
  });
  const attachments = templateFile
    ? [
        {
          filename: templateFile,
          contentType: XLSX_TYPE,
          content: await deps.templates.write({
            schedule,
            unitId: r.unit.id,
            week: r.week,
            statusColumn: true,
            previous,
            items,
          }),
        },
      ]
    : [];
  return {
    key: r.key,
    kind: 'reminder',
    autoSubmitted: 'auto-generated',
    from: mailAddress(deps.from, schedule.programme.signature),
    to: r.recipients.to.map((a) => ({ name: a.name, address: a.address })),
    cc: r.recipients.cc.map((a) => ({ name: a.name, address: a.address })),
    subject: composed.subject,
    text: composed.text,
    html: composed.html,
    inReplyTo: null,
    references: [],
    attachments,
    unitId: r.unit.id,
    reportingWeek: r.week,
  };
}

/**
 * The /digests page's next digest: the week whose digest is due next (or, past every due time
 * of the weeks around now, the last one due), previewed as it would be built now and sent on the
 * office's demand through the digest's exactly-once sending (sendDigest: a queued version that
 * has not gone out is delivered, else a new version is built).
 */
import type { Schedule } from '../../config/schedule';
import { digestDueOf } from '../../domain/calendar';
import { isExpectedWeek } from '../../domain/week-status';
import { buildDigest, type DigestBuildDeps } from '../digest/build';
import { sendDigest, type DigestSendDeps } from '../digest/send';
import { weeksAround } from '../reminders/send';

/** The week of the next digest (null when the programme expects none around now). */
export function nextDigestWeek(schedule: Schedule, now: Date): string | null {
  const weeks = weeksAround(now, schedule).filter((w) => isExpectedWeek(w, schedule));
  const upcoming = weeks.find((w) => digestDueOf(w, schedule).getTime() > now.getTime());
  return upcoming ?? weeks[weeks.length - 1] ?? null;
}

export interface DigestPreview {
  week: string;
  dueAt: Date;
  version: number;
  subject: string;
  html: string;
}

export async function previewNextDigest(
  deps: DigestBuildDeps,
  schedule: Schedule,
  now: Date,
): Promise<DigestPreview | null> {
  const week = nextDigestWeek(schedule, now);
  if (!week) return null;
  const built = await buildDigest(deps, schedule, week, now);
  return {
    week,
    dueAt: digestDueOf(week, schedule),
    version: built.version,
    subject: built.subject,
    html: built.html,
  };
}

export async function sendNextDigestNow(
  deps: DigestSendDeps,
): Promise<{ week: string; key: string; version: number; outcome: string } | null> {
  const week = nextDigestWeek(deps.schedule, deps.clock.now());
  if (!week) return null;
  const r = await sendDigest(deps, week);
  return { week, key: r.key, version: r.version, outcome: r.outcome };
}

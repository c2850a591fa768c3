/** The reminder stages sent to a unit, as the console names them: a reminder or an escalation. */
import type { Schedule } from '../../config/schedule';

/** The audiences that make a stage an escalation to the leadership (as the digest counts them). */
const LEADERS = new Set(['responsible_leader', 'chief_convenor']);

export interface StageSent {
  id: string;
  escalation: boolean;
  /** "催报（day0）", "提请领导督办（day2）" */
  label: string;
}

/** The stages sent, in the ladder's order, each once. */
export function stagesSent(schedule: Schedule, stageIds: readonly string[]): StageSent[] {
  const ladder = schedule.cycle.reminders;
  const order = (id: string): number => {
    const i = ladder.findIndex((r) => r.id === id);
    return i < 0 ? ladder.length : i;
  };
  return [...new Set(stageIds)]
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((id) => {
      const stage = ladder.find((r) => r.id === id);
      const escalation = stage
        ? [...stage.to, ...stage.cc].some((a) => LEADERS.has(a as string))
        : false;
      return { id, escalation, label: `${escalation ? '提请领导督办' : '催报'}（${id}）` };
    });
}

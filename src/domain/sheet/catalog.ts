/** The programme's projects as the sheet reader matches written project names against them. */
import type { Schedule } from '../../config/schedule';
import type { ProjectNames } from './match';

/** Every project under its name and its aliases. */
export function catalogOf(schedule: Schedule): ProjectNames[] {
  return schedule.projects.map((p) => ({ id: p.id, names: [p.name, ...p.aliases] }));
}

/**
 * Who may sign in to the console: the people the schedule lists, by address. The role follows
 * the schedule in force at each request, so removing someone from the schedule signs them out.
 */
import type { Schedule } from '../../config/schedule';
import { officeMemberByAddress } from '../../domain/programme';
import type { Viewer } from './route';

export function viewerFor(schedule: Schedule, email: string): Viewer | null {
  const wanted = email.trim().toLowerCase();
  if (!wanted) return null;
  const { people } = schedule;
  const office = officeMemberByAddress(schedule, wanted);
  if (office) return { email: wanted, name: office.title, role: office.admin ? 'admin' : 'office' };
  const leader = [people.chiefConvenor, ...people.convenors].find(
    (p) => p.email.toLowerCase() === wanted,
  );
  return leader ? { email: wanted, name: leader.title, role: 'leader' } : null;
}

/**
 * Look-ups in the programme's schedule, one rule each, for the digest, the reminders, the
 * replies and the app: a unit's name and short label, the projects a unit leads, a project's
 * responsible leader, and the people and addresses an audience stands for.
 */
import type { Audience, OfficeMember, Person, Project, Schedule, Unit } from '../config/schedule';

type Units = Pick<Schedule, 'units'>;
type People = Pick<Schedule, 'people'>;

/** A mail recipient: a unit's name or a person's title (never a personal name), and the address. */
export interface Recipient {
  name: string;
  address: string;
}

export interface Recipients {
  to: Recipient[];
  cc: Recipient[];
}

/** The office member whose address this is (compared without case and spaces), or null. */
export function officeMemberByAddress(
  schedule: People,
  address: string | null | undefined,
): OfficeMember | null {
  const a = address?.trim().toLowerCase();
  if (!a) return null;
  return schedule.people.office.find((p) => p.email.toLowerCase() === a) ?? null;
}

export function unitById(schedule: Units, unitId: string): Unit | null {
  return schedule.units.find((u) => u.id === unitId) ?? null;
}

/** The unit's display name ("区教育局"); the id itself for a unit the schedule no longer has. */
export function unitName(schedule: Units, unitId: string): string {
  return unitById(schedule, unitId)?.name ?? unitId;
}

/** How the sheet's lead-unit column names a unit: the notice's short form ("教育局") if any. */
export function unitLabel(schedule: Units, unitId: string): string {
  const unit = unitById(schedule, unitId);
  return unit ? (unit.aliases[0] ?? unit.name) : unitId;
}

/** The position of a unit in the schedule (units it does not list last), for stable orders. */
export function unitOrder(schedule: Units, unitId: string): number {
  const i = schedule.units.findIndex((u) => u.id === unitId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

export function projectById(
  schedule: Pick<Schedule, 'projects'>,
  projectId: string,
): Project | null {
  return schedule.projects.find((p) => p.id === projectId) ?? null;
}

/** The projects a unit leads (alone or with co-lead units), in the schedule's order. */
export function projectsOfUnit(schedule: Pick<Schedule, 'projects'>, unitId: string): Project[] {
  return schedule.projects.filter((p) => p.leadUnits.includes(unitId));
}

/**
 * A project's responsible leader (项目负责领导): one of the convenors, or the chief convenor
 * (validation asks for a convenor, but a leader named by the chief's id is still the chief).
 */
export function leaderOf(
  schedule: People,
  project: Pick<Project, 'responsibleLeader'>,
): Person | null {
  const id = project.responsibleLeader;
  const { convenors, chiefConvenor } = schedule.people;
  return convenors.find((c) => c.id === id) ?? (chiefConvenor.id === id ? chiefConvenor : null);
}

/** The leader's title ("召集人（副区长）"), or "" when the schedule names nobody by that id. */
export function leaderTitle(schedule: People, project: Pick<Project, 'responsibleLeader'>): string {
  return leaderOf(schedule, project)?.title ?? '';
}

/**
 * Who an audience is, for one unit (null: no unit, as for the digest). The unit's own reminder
 * addresses are split into `to` (remind.to) and `cc` (remind.cc, copied whichever side the
 * unit is on); every other audience is people, by title.
 */
function audienceRecipients(
  schedule: Schedule,
  audience: Audience,
  unit: Unit | null,
): { main: Recipient[]; copied: Recipient[] } {
  const person = (p: Person): Recipient => ({ name: p.title, address: p.email });
  const { people } = schedule;
  const main = (list: Person[]) => ({ main: list.map(person), copied: [] });
  switch (audience) {
    case 'unit':
      return unit
        ? {
            main: unit.remind.to.map((address) => ({ name: unit.name, address })),
            copied: unit.remind.cc.map((address) => ({ name: unit.name, address })),
          }
        : { main: [], copied: [] };
    case 'unit_head':
      return main(unit?.head ? [unit.head] : []);
    case 'responsible_leader': {
      // In the schedule's order of people, each once, whichever project names them.
      const ids = new Set(
        unit ? projectsOfUnit(schedule, unit.id).map((p) => p.responsibleLeader) : [],
      );
      return main([...people.convenors, people.chiefConvenor].filter((p) => ids.has(p.id)));
    }
    case 'chief_convenor':
      return main([people.chiefConvenor]);
    case 'convenors':
      return main(people.convenors);
    case 'office':
      return main(people.office);
  }
}

/**
 * The recipients of a mail addressed to audiences `to` and copied to `cc`, for a unit or none,
 * each address once (compared without case): an address in `to` is not copied again.
 */
export function recipientsOf(
  schedule: Schedule,
  audiences: { to: readonly Audience[]; cc: readonly Audience[] },
  unit: Unit | null,
): Recipients {
  const parts = [
    ...audiences.to.map((a) => audienceRecipients(schedule, a, unit)),
    ...audiences.cc.map((a) => {
      const r = audienceRecipients(schedule, a, unit);
      return { main: [], copied: [...r.main, ...r.copied] };
    }),
  ];
  const seen = new Set<string>();
  const once = (r: Recipient): boolean => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const to = parts.flatMap((p) => p.main).filter(once);
  const cc = parts.flatMap((p) => p.copied).filter(once);
  return { to, cc };
}

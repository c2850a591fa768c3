/**
 * Rules that relate the schedule's values to each other: unique ids and addresses, references to
 * units and convenors, the calendar's consistency.
 *
 * They run on the raw parsed YAML, not on the validated shape, so that a wrong type in one place
 * does not hide a wrong reference in another: the admin fixes everything in one round. Every
 * access is therefore defensive; whatever has the wrong shape is the shape validator's to report.
 */

import { addDays, daysBetween, isRealIsoDate, isWeekend, weekdayOf } from './iso-date';
import { detail, withSuggestion, type PlaceRef, type ScheduleErrorDetail } from './schedule-error';
import { closest } from './suggest';

export type PathSegment = string | number;

export interface CheckIssue {
  severity: 'error' | 'warning';
  path: PathSegment[];
  /** Point at the key of the last path segment, or at its value. */
  at: 'key' | 'value';
  detail: ScheduleErrorDetail;
}

/** Where a path is in the file ("line 12"), so a message can point at the other half of a clash. */
export type LineOf = (path: PathSegment[]) => number;

type Obj = Record<string, unknown>;

const obj = (x: unknown): Obj | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : undefined;
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Spelling-insensitive form of a name, for clashes between names and aliases. */
const nameKey = (s: string): string => s.replace(/\s+/g, '');

export function renderPath(path: PathSegment[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`))
    .join('');
}

const LONG_RANGE_DAYS = 14;

export function crossCheck(raw: unknown, lineOf: LineOf): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const error = (path: PathSegment[], d: ScheduleErrorDetail, at: 'key' | 'value' = 'value') =>
    issues.push({ severity: 'error', path, at, detail: d });
  const warn = (path: PathSegment[], d: ScheduleErrorDetail, at: 'key' | 'value' = 'value') =>
    issues.push({ severity: 'warning', path, at, detail: d });
  const ref = (path: PathSegment[]): PlaceRef => ({ path: renderPath(path), line: lineOf(path) });

  const root = obj(raw) ?? {};
  const programme = obj(root.programme) ?? {};
  const people = obj(root.people) ?? {};
  const units = list(root.units);
  const projects = list(root.projects);
  const cycle = obj(root.cycle) ?? {};
  const calendar = obj(root.calendar) ?? {};

  // ---- People: ids are shared by everyone, since audiences and leaders refer to them.
  const personIds = new Map<string, PathSegment[]>();
  const notePerson = (
    idPath: PathSegment[],
    id: string,
    duplicate: (first: PlaceRef) => ScheduleErrorDetail,
  ) => {
    const first = personIds.get(id);
    if (first) error(idPath, duplicate(ref(first)));
    else personIds.set(id, idPath);
  };
  const personIdMessage = (id: string) => (first: PlaceRef) =>
    detail('person_id_taken', { id, first });

  const chiefId = str(obj(people.chief_convenor)?.id);
  if (chiefId !== undefined) {
    notePerson(['people', 'chief_convenor', 'id'], chiefId, personIdMessage(chiefId));
  }
  const convenorIds = new Set<string>();
  list(people.convenors).forEach((c, i) => {
    const id = str(obj(c)?.id);
    if (id === undefined) return;
    convenorIds.add(id);
    notePerson(['people', 'convenors', i, 'id'], id, personIdMessage(id));
  });
  const officeIds = new Set<string>();
  let anyAdmin = false;
  const office = list(people.office);
  office.forEach((m, i) => {
    const member = obj(m);
    if (member?.admin === true) anyAdmin = true;
    const id = str(member?.id);
    if (id === undefined) return;
    officeIds.add(id);
    notePerson(['people', 'office', i, 'id'], id, personIdMessage(id));
  });
  if (office.length > 0 && !anyAdmin) {
    warn(['people', 'office'], detail('no_admin'), 'key');
  }
  list(people.supervision).forEach((p, i) => {
    const id = str(obj(p)?.id);
    if (id !== undefined) notePerson(['people', 'supervision', i, 'id'], id, personIdMessage(id));
  });

  // ---- Units: ids, sender addresses, names.
  const mailbox = str(programme.mailbox)?.toLowerCase();
  const unitIds = new Map<string, PathSegment[]>();
  const unitByName = new Map<string, { unitId: string; path: PathSegment[] }>();
  const addressOwner = new Map<string, { unit: number; path: PathSegment[] }>();
  const unitLabel = (i: number) => {
    const id = str(obj(units[i])?.id);
    return id === undefined
      ? { unit: `units[${i}]`, unitHasId: false }
      : { unit: id, unitHasId: true };
  };

  units.forEach((u, i) => {
    const unit = obj(u);
    if (!unit) return;
    const id = str(unit.id);
    if (id !== undefined) {
      const first = unitIds.get(id);
      if (first) {
        error(['units', i, 'id'], detail('unit_id_taken', { id, first: ref(first) }));
      } else unitIds.set(id, ['units', i, 'id']);
    }

    list(unit.addresses).forEach((a, j) => {
      const address = str(a)?.toLowerCase();
      if (address === undefined) return;
      const path = ['units', i, 'addresses', j];
      const owner = addressOwner.get(address);
      if (owner && owner.unit === i) {
        warn(path, detail('address_repeated', { address }));
      } else if (owner) {
        error(
          path,
          detail('address_taken', { address, ...unitLabel(owner.unit), first: ref(owner.path) }),
        );
      } else addressOwner.set(address, { unit: i, path });
      if (address === mailbox) {
        error(path, detail('address_is_mailbox', { address }));
      }
    });

    const names: Array<{ name: string; path: PathSegment[] }> = [];
    const name = str(unit.name);
    if (name !== undefined) names.push({ name, path: ['units', i, 'name'] });
    list(unit.aliases).forEach((a, j) => {
      const alias = str(a);
      if (alias !== undefined) names.push({ name: alias, path: ['units', i, 'aliases', j] });
    });
    for (const n of names) {
      const key = nameKey(n.name);
      if (!key) continue;
      const other = unitByName.get(key);
      if (other && other.unitId !== (id ?? `#${i}`)) {
        error(
          n.path,
          detail('unit_name_taken', { name: n.name, other: other.unitId, first: ref(other.path) }),
        );
      } else if (!other) unitByName.set(key, { unitId: id ?? `#${i}`, path: n.path });
    }

    // The head gets an id too, as a person; a generated one may clash with a real one.
    const head = obj(unit.head);
    if (head && id !== undefined) {
      const headId = str(head.id);
      if (headId !== undefined) {
        notePerson(['units', i, 'head', 'id'], headId, personIdMessage(headId));
      } else if (typeof head.id === 'undefined') {
        const generated = `${id}-head`;
        notePerson(['units', i, 'head'], generated, (first) =>
          detail('head_id_taken', { unit: id, generated, first }),
        );
      }
    }
  });

  // ---- Projects: ids, names, lead units, responsible leaders.
  const projectIds = new Map<string, PathSegment[]>();
  const projectByName = new Map<string, { projectId: string; path: PathSegment[] }>();

  projects.forEach((p, i) => {
    const project = obj(p);
    if (!project) return;
    const id = str(project.id);
    if (id !== undefined) {
      const first = projectIds.get(id);
      if (first) {
        error(['projects', i, 'id'], detail('project_id_taken', { id, first: ref(first) }));
      } else projectIds.set(id, ['projects', i, 'id']);
    }

    const names: Array<{ name: string; path: PathSegment[] }> = [];
    const name = str(project.name);
    if (name !== undefined) names.push({ name, path: ['projects', i, 'name'] });
    list(project.aliases).forEach((a, j) => {
      const alias = str(a);
      if (alias !== undefined) names.push({ name: alias, path: ['projects', i, 'aliases', j] });
    });
    for (const n of names) {
      const key = nameKey(n.name);
      if (!key) continue;
      const other = projectByName.get(key);
      if (other && other.projectId !== (id ?? `#${i}`)) {
        error(
          n.path,
          detail('project_name_taken', {
            name: n.name,
            other: other.projectId,
            first: ref(other.path),
          }),
        );
      } else if (!other) projectByName.set(key, { projectId: id ?? `#${i}`, path: n.path });
    }

    const seenLeads = new Set<string>();
    list(project.lead_units).forEach((l, j) => {
      const lead = str(l);
      if (lead === undefined) return;
      const path = ['projects', i, 'lead_units', j];
      if (seenLeads.has(lead)) {
        warn(path, detail('lead_unit_repeated', { unit: lead }));
        return;
      }
      seenLeads.add(lead);
      if (unitIds.has(lead)) return;
      // People often write the unit's name (教育局) where its id belongs.
      const byName = unitByName.get(nameKey(lead));
      const suggestion = byName ? byName.unitId : closest(lead, unitIds.keys());
      error(
        path,
        detail('unknown_unit', withSuggestion({ unit: lead, byName: !!byName }, suggestion)),
      );
    });

    const leaderValue = project.responsible_leader;
    const leader = str(leaderValue);
    if (leader !== undefined && !convenorIds.has(leader)) {
      const path = ['projects', i, 'responsible_leader'];
      const convenors = [...convenorIds];
      if (leader === chiefId) {
        error(path, detail('leader_is_chief', { leader, convenors }));
      } else if (officeIds.has(leader)) {
        error(path, detail('leader_is_office', { leader, convenors }));
      } else {
        error(
          path,
          detail(
            'unknown_leader',
            withSuggestion({ leader, convenors }, closest(leader, convenorIds)),
          ),
        );
      }
    }
  });

  // ---- Cycle: stage ids, audiences listed twice.
  const stageIds = new Map<string, PathSegment[]>();
  list(cycle.reminders).forEach((s, i) => {
    const stage = obj(s);
    if (!stage) return;
    const id = str(stage.id);
    if (id !== undefined) {
      const first = stageIds.get(id);
      if (first) {
        error(['cycle', 'reminders', i, 'id'], detail('stage_id_taken', { id, first: ref(first) }));
      } else stageIds.set(id, ['cycle', 'reminders', i, 'id']);
    }
    overlapInToAndCc(['cycle', 'reminders', i], stage);
  });
  const digest = obj(cycle.digest);
  if (digest) overlapInToAndCc(['cycle', 'digest'], digest);

  function overlapInToAndCc(path: PathSegment[], spec: Obj) {
    const to = new Set(list(spec.to).filter((a) => typeof a === 'string'));
    list(spec.cc).forEach((a, j) => {
      if (typeof a === 'string' && to.has(a)) {
        warn([...path, 'cc', j], detail('to_and_cc', { audience: a }));
      }
    });
  }

  // ---- Assessment: weights written but none set would silently mean "no score".
  const weights = obj(obj(root.assessment)?.weights);
  if (weights && Object.keys(weights).length === 0) {
    error(['assessment', 'weights'], detail('weights_empty'));
  }

  // ---- Programme period.
  const active = obj(programme.active) ?? {};
  const from = str(active.from);
  const to = str(active.to);
  const validFrom = from !== undefined && isRealIsoDate(from) ? from : undefined;
  const validTo = to !== undefined && isRealIsoDate(to) ? to : undefined;
  if (validFrom && validTo && validTo < validFrom) {
    error(
      ['programme', 'active', 'to'],
      detail('period_reversed', { from: validFrom, to: validTo }),
    );
  }

  // ---- Calendar.
  const years = obj(calendar.years) ?? {};
  for (const [yearKey, y] of Object.entries(years)) {
    const year = obj(y);
    if (!year || !/^\d{4}$/.test(yearKey)) continue;
    const holidayDates = new Map<string, PathSegment[]>();
    for (const kind of ['holidays', 'workdays'] as const) {
      list(year[kind]).forEach((e, j) => {
        const entry = str(e);
        const range = entry === undefined ? undefined : parseEntry(entry);
        if (!range || entry === undefined) return; // malformed: the shape validator reports it
        const path = ['calendar', 'years', yearKey, kind, j];
        const [start, end] = range;
        if (start.slice(0, 4) !== yearKey || end.slice(0, 4) !== yearKey) {
          const other = start.slice(0, 4) !== yearKey ? start.slice(0, 4) : end.slice(0, 4);
          error(
            path,
            start === end
              ? detail('date_outside_year', { date: start, year: yearKey, other })
              : detail('range_outside_year', { value: entry, year: yearKey, other }),
          );
          return;
        }
        const span = daysBetween(start, end) + 1;
        if (span > LONG_RANGE_DAYS) {
          warn(path, detail('long_range', { value: entry, days: span }));
        }
        for (let d = start; d <= end; d = addDays(d, 1)) {
          if (kind === 'holidays') {
            if (!holidayDates.has(d)) holidayDates.set(d, path);
            continue;
          }
          const holiday = holidayDates.get(d);
          if (holiday) {
            error(path, detail('holiday_and_workday', { date: d, first: ref(holiday) }));
          } else if (!isWeekend(d)) {
            warn(path, detail('workday_not_weekend', { date: d, weekday: weekdayOf(d) }));
          }
        }
      });
    }
  }

  // A year the programme runs in, without its holiday arrangement, would count public holidays
  // as working days and mark units late on them.
  if (validFrom) {
    const first = Number(validFrom.slice(0, 4));
    const last = validTo && validTo >= validFrom ? Number(validTo.slice(0, 4)) : first;
    const path = obj(root.calendar) ? ['calendar', 'years'] : ['calendar'];
    for (let y = first; y <= last; y++) {
      if (!(String(y) in years)) {
        warn(path, detail('no_calendar_year', { year: y }), 'key');
      }
    }
  }

  return issues;
}

/** [start, end] of a well-formed, real date or range in order, else undefined. */
export function parseEntry(entry: string): [string, string] | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/.exec(entry);
  if (!m) return undefined;
  const start = m[1] as string;
  const end = m[2] ?? start;
  if (!isRealIsoDate(start) || !isRealIsoDate(end) || end < start) return undefined;
  return [start, end];
}

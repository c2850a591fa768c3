/** The loaded document (snake_case, as written) turned into the Schedule the code reads. */
import { datesBetween } from './iso-date';
import { type CalendarYear, type Person, type Schedule } from './schedule';
import { parseEntry } from './schedule-checks';
import { canonicalTimezone, type ScheduleDocument } from './schedule-schema';

/** Addresses lower-cased, lists without repeats, calendar entries expanded to sorted dates. */
export function normalise(d: ScheduleDocument): Schedule {
  const lower = (s: string) => s.toLowerCase();
  const unique = <T>(xs: T[]) => [...new Set(xs)];
  const person = (p: { id: string; title: string; email: string }): Person => ({
    id: p.id,
    title: p.title,
    email: lower(p.email),
  });
  const expand = (entries: string[]) =>
    unique(
      entries.flatMap((e) => {
        const range = parseEntry(e);
        return range ? datesBetween(range[0], range[1]) : [];
      }),
    ).sort();

  return {
    version: 1,
    programme: {
      name: d.programme.name,
      timezone: canonicalTimezone(d.programme.timezone) ?? d.programme.timezone,
      activeFrom: d.programme.active.from,
      activeTo: d.programme.active.to ?? null,
      mailbox: lower(d.programme.mailbox),
      signature: d.programme.signature,
    },
    people: {
      chiefConvenor: person(d.people.chief_convenor),
      convenors: d.people.convenors.map(person),
      office: d.people.office.map((m) => ({ ...person(m), admin: m.admin })),
      supervision: d.people.supervision.map(person),
    },
    units: d.units.map((u) => {
      const addresses = unique(u.addresses.map(lower));
      return {
        id: u.id,
        name: u.name,
        aliases: u.aliases,
        addresses,
        remind: {
          to: unique((u.remind?.to ?? addresses).map(lower)),
          cc: unique((u.remind?.cc ?? []).map(lower)),
        },
        head: u.head
          ? { id: u.head.id ?? `${u.id}-head`, title: u.head.title, email: lower(u.head.email) }
          : null,
      };
    }),
    projects: d.projects.map((p) => ({
      id: p.id,
      name: p.name,
      aliases: p.aliases,
      leadUnits: unique(p.lead_units),
      responsibleLeader: p.responsible_leader,
      targets: p.targets.map((t) => ({ text: t.text, due: t.due })),
    })),
    cycle: {
      deadline: { weekday: d.cycle.deadline.weekday, time: d.cycle.deadline.time },
      onHoliday: d.cycle.on_holiday,
      lateWindowWorkingDays: d.cycle.late_window_working_days,
      reminders: d.cycle.reminders.map((s) => ({
        id: s.id,
        offsetDays: s.offset_days,
        workingDays: s.working_days,
        time: s.time,
        to: unique(s.to),
        cc: unique(s.cc.filter((a) => !s.to.includes(a))),
      })),
      digest: {
        weekday: d.cycle.digest.weekday,
        time: d.cycle.digest.time,
        to: unique(d.cycle.digest.to),
        cc: unique(d.cycle.digest.cc.filter((a) => !d.cycle.digest.to.includes(a))),
      },
    },
    calendar: {
      remindOnNonWorkingDays: d.calendar.remind_on_non_working_days,
      years: Object.entries(d.calendar.years)
        .map(([year, y]): CalendarYear => ({
          year: Number(year),
          holidays: expand(y.holidays),
          workdays: expand(y.workdays),
        }))
        .sort((a, b) => a.year - b.year),
    },
    followUp: {
      blueWorkingDays: d.follow_up.blue_working_days,
      yellowWeeksWithoutProgress: d.follow_up.yellow_weeks_without_progress,
      time: d.follow_up.time,
      departmentMail: d.follow_up.department_mail,
    },
    assessment: { weights: weightsOf(d.assessment?.weights) },
  };
}

/** The weights the office set, in the facts' order; null (no score) when it set none. */
function weightsOf(w: Partial<Record<string, number>> | undefined): Record<string, number> | null {
  const set = Object.entries(w ?? {}).filter((e): e is [string, number] => e[1] !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : null;
}

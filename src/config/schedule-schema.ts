/**
 * The shape of `schedule.yaml` (snake_case, as the office writes it): the one source of truth for
 * both validation (load-schedule.ts) and the editor's JSON Schema (config/schedule.schema.json,
 * printed by `duban config schema`).
 *
 * Only rules about a single value live here (types, formats, real dates, time zones). Rules that
 * relate values to each other (unknown unit ids, duplicate addresses, holidays outside their year …)
 * are in schedule-checks.ts, because they must run even when the shape is partly wrong, so the
 * admin sees every mistake in one pass.
 *
 * Messages are plain English sentences for an office admin. Generic ones (wrong type, missing key,
 * unknown key) are written in load-schedule.ts; the ones here know what the field means.
 */

import { z } from 'zod';
import type { Audience, HolidayRule } from './schedule';
import { ISO_DATE_PATTERN, WEEKDAYS, isRealIsoDate } from './iso-date';
import { closest, didYouMean } from './suggest';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const DATE_OR_RANGE_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/;
const YEAR_PATTERN = /^\d{4}$/;

export const AUDIENCES = [
  'unit',
  'unit_head',
  'responsible_leader',
  'chief_convenor',
  'convenors',
  'office',
] as const satisfies readonly Audience[];

/** The digest covers every project, so only programme-wide audiences make sense for it. */
export const DIGEST_AUDIENCES = [
  'chief_convenor',
  'convenors',
  'office',
] as const satisfies readonly Audience[];

export const HOLIDAY_RULES = [
  'next_working_day',
  'previous_working_day',
  'keep',
] as const satisfies readonly HolidayRule[];

const quote = (value: unknown): string =>
  typeof value === 'string' ? `"${value}"` : JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Time zones

// Abbreviations people in China write for their own zone. Some are accepted by Intl but mean
// something else ("CST" is US Central Time there), which would silently shift every deadline.
const CHINA_ZONE_GUESSES = new Set([
  'cst',
  'prc',
  'china',
  'beijing',
  'peking',
  'utc+8',
  'gmt+8',
  'utc+08:00',
  '+08:00',
  '+8',
]);

// Area/Location names (Asia/Shanghai, Etc/GMT-8) and UTC; rejects bare abbreviations.
const IANA_SHAPE = /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/;

/** The canonical IANA name for `tz`, or null when it is not one Intl knows. */
export function canonicalTimezone(tz: string): string | null {
  if (!IANA_SHAPE.test(tz)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function timezoneMessage(tz: string): string {
  let hint = '';
  if (CHINA_ZONE_GUESSES.has(tz.toLowerCase().replace(/\s/g, ''))) hint = DEFAULT_TIMEZONE;
  else {
    const zones = Intl.supportedValuesOf('timeZone');
    // Match on the city too, so "Shanghai" finds "Asia/Shanghai".
    hint =
      closest(tz, zones) ??
      zones.find((z) => z.split('/').pop()?.toLowerCase() === tz.toLowerCase()) ??
      '';
  }
  return (
    `${quote(tz)} is not an IANA time zone name; write it as Area/City, like ${DEFAULT_TIMEZONE}` +
    (hint ? ` (did you mean "${hint}"?).` : '.')
  );
}

// ---------------------------------------------------------------------------------------------
// Field builders

const text = (description: string) =>
  z.string().trim().min(1, { error: 'This must not be empty.' }).meta({ description });

const id = (kind: string, description: string) =>
  z
    .string()
    .regex(ID_PATTERN, {
      error: (iss) =>
        `${quote(iss.input)} is not a valid ${kind} id: use only lower-case letters, digits, "-" and "_", starting with a letter or digit (like "jiaoyu" or "convenor-1").`,
    })
    .meta({ description });

const email = (description: string) =>
  z
    .email({
      error: (iss) =>
        iss.code === 'invalid_format'
          ? `${quote(iss.input)} is not a valid e-mail address (expected something like name@example.cn).`
          : undefined,
    })
    .meta({ description });

const isoDate = (description: string) =>
  z
    .string()
    .regex(ISO_DATE_PATTERN, {
      abort: true,
      error: (iss) => `${quote(iss.input)} is not a date written as YYYY-MM-DD (like 2021-03-25).`,
    })
    .refine(isRealIsoDate, {
      error: (iss) => `${quote(iss.input)} is not a real calendar date.`,
    })
    .meta({ description, examples: ['2021-03-25'] });

const wallTime = (description: string) =>
  z
    .string({
      // YAML 1.1 reads an unquoted 18:00 as the number 1080; say how to write it instead.
      error: (iss) =>
        iss.code === 'invalid_type' && typeof iss.input === 'number'
          ? `Expected a time like "18:00", found the number ${iss.input}; put the time in quotes.`
          : undefined,
    })
    .regex(TIME_PATTERN, {
      error: (iss) => {
        const s = String(iss.input);
        const padded = /^\d:\d\d$/.test(s) ? ` (write "0${s}")` : '';
        return `${quote(s)} is not a valid time: write HH:MM on a 24-hour clock, from 00:00 to 23:59${padded}.`;
      },
    })
    .meta({ description, examples: ['18:00'] });

const weekday = (description: string) =>
  z
    .enum(WEEKDAYS, {
      error: (iss) =>
        iss.code === 'invalid_value'
          ? `${quote(iss.input)} is not a weekday: write one of ${WEEKDAYS.join(', ')}` +
            `${typeof iss.input === 'string' ? didYouMean(iss.input, WEEKDAYS) : ''}.`
          : undefined,
    })
    .meta({ description });

const audience = z
  .enum(AUDIENCES, {
    error: (iss) =>
      iss.code === 'invalid_value'
        ? `${quote(iss.input)} is not an audience: use one of ${AUDIENCES.join(', ')}` +
          `${typeof iss.input === 'string' ? didYouMean(iss.input, AUDIENCES) : ''}.`
        : undefined,
  })
  .meta({
    description:
      'unit: the unit’s reminder recipients; unit_head: the unit’s head; responsible_leader: the ' +
      'project’s responsible convenor; chief_convenor; convenors: all convenors; office: all office members.',
  });

const digestAudience = z
  .enum(DIGEST_AUDIENCES, {
    error: (iss) => {
      if (iss.code !== 'invalid_value') return undefined;
      const value = iss.input;
      const allowed = DIGEST_AUDIENCES.join(', ');
      if (typeof value === 'string' && (AUDIENCES as readonly string[]).includes(value)) {
        return `The digest covers all projects, so it cannot go to ${quote(value)}; use ${allowed}.`;
      }
      return (
        `${quote(value)} is not a digest audience: use one of ${allowed}` +
        `${typeof value === 'string' ? didYouMean(value, DIGEST_AUDIENCES) : ''}.`
      );
    },
  })
  .meta({ description: 'chief_convenor, convenors (all of them) or office (all members).' });

const calendarEntry = z
  .string()
  .regex(DATE_OR_RANGE_PATTERN, {
    abort: true,
    error: (iss) =>
      `${quote(iss.input)} is neither a date (2021-04-05) nor a range of dates (2021-02-11..2021-02-17).`,
  })
  .superRefine((value, ctx) => {
    const [, from = '', to] = DATE_OR_RANGE_PATTERN.exec(value) ?? [];
    for (const d of to === undefined ? [from] : [from, to]) {
      if (!isRealIsoDate(d)) {
        ctx.addIssue({ code: 'custom', message: `${quote(d)} is not a real calendar date.` });
        return;
      }
    }
    if (to !== undefined && to < from) {
      ctx.addIssue({
        code: 'custom',
        message: `The range ${quote(value)} ends before it starts; write the earlier date first.`,
      });
    }
  })
  .meta({
    description: 'A date (2021-04-05) or an inclusive range of dates (2021-02-11..2021-02-17).',
    examples: ['2021-04-05', '2021-02-11..2021-02-17'],
  });

const timezone = z
  .string()
  .superRefine((value, ctx) => {
    if (canonicalTimezone(value) === null) {
      ctx.addIssue({ code: 'custom', message: timezoneMessage(value) });
    }
  })
  .meta({
    description: `IANA time zone of every date and time in this file (default ${DEFAULT_TIMEZONE}).`,
    examples: [DEFAULT_TIMEZONE],
  });

// ---------------------------------------------------------------------------------------------
// The document

const personFields = {
  id: id('person', 'Stable id used to refer to this person elsewhere in the file.'),
  title: text(
    'A role or title, e.g. 召集人（区政府副区长）. Roles keep the file valid when people change.',
  ),
  email: email('Where this person receives mail.'),
};

const person = z.strictObject(personFields);

const officeMember = z.strictObject({
  ...personFields,
  admin: z
    .boolean()
    .default(false)
    .meta({ description: 'Receives configuration errors and operational alerts.' }),
});

const unit = z
  .strictObject({
    id: id('unit', 'Short id used in projects.lead_units, e.g. jiaoyu.'),
    name: text('Display name, e.g. 区教育局.'),
    aliases: z
      .array(text('Another way the unit is written in sheets.'))
      .default([])
      .meta({ description: 'Other ways the unit is written in sheets, e.g. 教育局.' }),
    addresses: z
      .array(email('A sender address of the unit.'))
      .min(1, { error: 'A unit needs at least one sender address.' })
      .meta({
        description:
          'Addresses the unit sends its sheet from. Mail from them is attributed to this unit, so an address belongs to one unit only.',
      }),
    remind: z
      .strictObject({
        to: z
          .array(email('A reminder recipient.'))
          .min(1, {
            error:
              'Reminders need at least one recipient; leave "to" out to use the unit’s addresses.',
          })
          .optional()
          .meta({ description: 'Reminder recipients (default: the unit’s addresses).' }),
        cc: z
          .array(email('A reminder copy recipient.'))
          .default([])
          .meta({ description: 'Copied on every reminder.' }),
      })
      .optional()
      .meta({ description: 'Who receives reminders (default: to the unit’s addresses).' }),
    head: z
      .strictObject({
        id: id('person', 'Optional id (default: <unit id>-head).').optional(),
        title: text('The head’s title, e.g. 区教育局局长.'),
        email: email('The head’s address.'),
      })
      .nullable()
      .optional()
      .meta({ description: 'The unit’s head, copied on escalations (audience unit_head).' }),
  })
  .meta({ description: 'A member unit: a bureau, town, company or hospital.' });

const target = z.strictObject({
  text: text('The target (攻坚目标) as in the notice.'),
  due: isoDate('Due date (完成时限), YYYY-MM-DD.'),
});

const project = z
  .strictObject({
    id: id('project', 'Short id, e.g. p1.'),
    name: text('Official name, as in the notice.'),
    aliases: z
      .array(text('Another way the project is written.'))
      .default([])
      .meta({ description: 'Other ways the project name is written in sheets.' }),
    lead_units: z
      .array(z.string().meta({ description: 'A unit id from units.' }))
      .min(1, { error: 'A project needs at least one lead unit.' })
      .meta({ description: 'Lead unit ids (项目总牵头单位); any of them may send the sheet.' }),
    responsible_leader: z
      .string()
      .meta({ description: 'Id of the convenor who is the project’s responsible leader.' }),
    targets: z
      .array(target)
      .min(1, { error: 'A project needs at least one target.' })
      .meta({ description: 'Targets (攻坚目标) with their due dates, in the notice’s order.' }),
  })
  .meta({ description: 'A key project of the programme.' });

const reminderStage = z
  .strictObject({
    id: id('reminder stage', 'Stable id of the stage, e.g. morning.'),
    offset_days: z
      .number()
      .int({ error: 'offset_days must be a whole number of days.' })
      .min(-6, { error: 'offset_days must be between -6 and 6: the cycle is weekly.' })
      .max(6, { error: 'offset_days must be between -6 and 6: the cycle is weekly.' })
      .meta({
        description:
          'Days relative to the (holiday-shifted) deadline day: 0 = that day, 1 = the day after, -1 = the day before.',
      }),
    working_days: z
      .boolean()
      .default(false)
      .meta({ description: 'Count offset_days in working days instead of calendar days.' }),
    time: wallTime('Time of day the stage is sent, HH:MM.'),
    to: z
      .array(audience)
      .min(1, { error: 'A reminder stage needs at least one audience in "to".' })
      .meta({ description: 'Audiences the reminder is addressed to.' }),
    cc: z.array(audience).default([]).meta({ description: 'Audiences copied.' }),
  })
  .meta({ description: 'One step of the reminder ladder for a unit whose sheet is missing.' });

export const DEFAULT_REMINDERS = [
  { id: 'morning', offset_days: 0, working_days: false, time: '09:00', to: ['unit'], cc: [] },
  {
    id: 'overdue',
    offset_days: 0,
    working_days: false,
    time: '18:30',
    to: ['unit'],
    cc: ['unit_head'],
  },
  {
    id: 'escalation',
    offset_days: 1,
    working_days: true,
    time: '09:00',
    to: ['responsible_leader'],
    cc: ['office'],
  },
] satisfies z.input<typeof reminderStage>[];

const digest = z
  .strictObject({
    weekday: weekday('Day of the week the digest is sent.'),
    time: wallTime('Time of day the digest is sent, HH:MM.'),
    to: z
      .array(digestAudience)
      .min(1, { error: 'The digest needs at least one audience in "to".' })
      .meta({ description: 'Audiences the digest is addressed to.' }),
    cc: z.array(digestAudience).default([]).meta({ description: 'Audiences copied.' }),
  })
  .meta({ description: 'The weekly digest for the leadership group.' });

export const DEFAULT_DIGEST = {
  weekday: 'tuesday',
  time: '08:00',
  to: ['chief_convenor', 'convenors'],
  cc: ['office'],
} satisfies z.input<typeof digest>;

const calendarYear = z
  .strictObject({
    holidays: z
      .array(calendarEntry)
      .default([])
      .meta({ description: 'Public holidays (non-working days) of this year.' }),
    workdays: z
      .array(calendarEntry)
      .default([])
      .meta({ description: 'Make-up working days (调休) that fall on a weekend.' }),
  })
  .meta({ description: 'The official holiday arrangement of one year.' });

export const scheduleSchema = z
  .strictObject({
    version: z
      .literal(1, { error: 'Only version 1 of the schedule format exists; write "version: 1".' })
      .default(1)
      .meta({ description: 'Format version of this file.' }),
    programme: z
      .strictObject({
        name: text('Programme name, e.g. 2021年第一批“难硬重新”重点项目突破攻坚.'),
        timezone: timezone.default(DEFAULT_TIMEZONE),
        active: z
          .strictObject({
            from: isoDate('First day duban runs the weekly cycle.'),
            to: isoDate('Last day the weekly cycle runs.')
              .nullable()
              .optional()
              .meta({ description: 'Last day (optional; leave out while the programme runs).' }),
          })
          .meta({ description: 'The period in which sheets are expected.' }),
        mailbox: email('The office mailbox sheets are sent to; the From of automatic mail.'),
        signature: text('How automatic mails are signed, e.g. 联合会议办公室.'),
      })
      .meta({ description: 'The programme as a whole.' }),
    people: z
      .strictObject({
        chief_convenor: person.meta({ description: 'The chief convenor (总召集人).' }),
        convenors: z
          .array(person)
          .min(1, { error: 'At least one convenor is needed.' })
          .meta({ description: 'The convenors (召集人); each project names one of them.' }),
        office: z
          .array(officeMember)
          .min(1, { error: 'At least one office member is needed.' })
          .meta({ description: 'Members of the joint meeting office (联合会议办公室).' }),
      })
      .meta({ description: 'The leadership group and the office, by role.' }),
    units: z
      .array(unit)
      .min(1, { error: 'At least one unit is needed.' })
      .meta({ description: 'Member units (lead units and responsible departments).' }),
    projects: z
      .array(project)
      .min(1, { error: 'At least one project is needed.' })
      .meta({ description: 'The projects, in the notice’s order.' }),
    cycle: z
      .strictObject({
        deadline: z
          .strictObject({
            weekday: weekday('Day of the week sheets are due.'),
            time: wallTime('Time of day sheets are due, HH:MM.'),
          })
          .meta({ description: 'When the weekly sheet is due.' }),
        on_holiday: z
          .enum(HOLIDAY_RULES, {
            error: (iss) =>
              iss.code === 'invalid_value'
                ? `${quote(iss.input)} is not allowed: use one of ${HOLIDAY_RULES.join(', ')}` +
                  `${typeof iss.input === 'string' ? didYouMean(iss.input, HOLIDAY_RULES) : ''}.`
                : undefined,
          })
          .default('next_working_day')
          .meta({
            description: 'When the deadline day is not a working day: move it, or keep it.',
          }),
        late_window_working_days: z
          .number()
          .int({ error: 'late_window_working_days must be a whole number of working days.' })
          .min(0, { error: 'late_window_working_days cannot be negative.' })
          .max(5, { error: 'late_window_working_days must be at most 5: the cycle is weekly.' })
          .default(1)
          .meta({
            description:
              'A sheet arriving after the deadline counts (late) for the week just past until the end of this many working days after the deadline day, or until that week’s digest went out if later (default 1).',
          }),
        reminders: z
          .array(reminderStage)
          .default(() => structuredClone(DEFAULT_REMINDERS))
          .meta({ description: 'The reminder ladder (default: morning, overdue, escalation).' }),
        digest: digest.default(() => structuredClone(DEFAULT_DIGEST)),
      })
      .meta({ description: 'The weekly cycle: deadline, reminders and digest.' }),
    calendar: z
      .strictObject({
        remind_on_non_working_days: z
          .boolean()
          .default(false)
          .meta({ description: 'Send reminders on weekends and holidays too.' }),
        years: z
          .record(z.string().regex(YEAR_PATTERN), calendarYear)
          .default({})
          .meta({ description: 'Holiday arrangements by year, e.g. 2021: {holidays, workdays}.' }),
      })
      .default({ remind_on_non_working_days: false, years: {} })
      .meta({ description: 'Working-day calendar: public holidays and make-up working days.' }),
  })
  .meta({
    title: 'duban schedule',
    description:
      'The coordination office’s schedule for duban: programme, people, units, projects, weekly cycle and calendar.',
  });

export type ScheduleInput = z.input<typeof scheduleSchema>;
export type ScheduleDocument = z.output<typeof scheduleSchema>;

/** The JSON Schema for editors (config/schedule.schema.json), generated from scheduleSchema. */
export function scheduleJsonSchema(): Record<string, unknown> {
  // io 'input': fields with defaults are optional for the person writing the file.
  return z.toJSONSchema(scheduleSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}

/** The text of config/schedule.schema.json, exactly as `duban config schema` prints it. */
export function scheduleJsonSchemaText(): string {
  return `${JSON.stringify(scheduleJsonSchema(), null, 2)}\n`;
}

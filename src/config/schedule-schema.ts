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
 * Each error is a structured detail (schedule-error.ts), worded per language by
 * schedule-error-format.ts. Generic ones (wrong type, missing key, unknown key) come from
 * schedule-messages.ts; the ones here know what the field means.
 */

import { z } from 'zod';
import { FOLLOW_UP_DEFAULTS } from './schedule';
import { says, scalar, withSuggestion } from './schedule-error';
import { closest } from './suggest';
import { ASSESSMENT_FACT_NAMES } from '../domain/assessment/fact-names';
import type { AssessmentFactName } from '../domain/assessment/types';
import {
  audience,
  calendarEntry,
  DEFAULT_TIMEZONE,
  digestAudience,
  email,
  HOLIDAY_RULES,
  id,
  isoDate,
  text,
  timezone,
  wallTime,
  weekday,
  YEAR_PATTERN,
} from './schedule-fields';

export {
  AUDIENCES,
  canonicalTimezone,
  DEFAULT_TIMEZONE,
  DIGEST_AUDIENCES,
  HOLIDAY_RULES,
} from './schedule-fields';

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
  admin: z.boolean().default(false).meta({
    description:
      'Receives configuration errors and operational alerts; may open the console’s operator pages (/ops).',
  }),
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
      .min(1, { error: says('unit_addresses_empty') })
      .meta({
        description:
          'Addresses the unit sends its sheet from. Mail from them is attributed to this unit, so an address belongs to one unit only.',
      }),
    remind: z
      .strictObject({
        to: z
          .array(email('A reminder recipient.'))
          .min(1, {
            error: says('remind_to_empty'),
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
      .min(1, { error: says('lead_units_empty') })
      .meta({ description: 'Lead unit ids (项目总牵头单位); any of them may send the sheet.' }),
    responsible_leader: z
      .string()
      .meta({ description: 'Id of the convenor who is the project’s responsible leader.' }),
    targets: z
      .array(target)
      .min(1, { error: says('targets_empty') })
      .meta({ description: 'Targets (攻坚目标) with their due dates, in the notice’s order.' }),
  })
  .meta({ description: 'A key project of the programme.' });

const reminderStage = z
  .strictObject({
    id: id('reminder stage', 'Stable id of the stage, e.g. morning.'),
    offset_days: z
      .number()
      .int({ error: says('offset_days_whole') })
      .min(-6, { error: says('offset_days_range') })
      .max(6, { error: says('offset_days_range') })
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
      .min(1, { error: says('stage_to_empty') })
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
      .min(1, { error: says('digest_to_empty') })
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

const followUp = z
  .strictObject({
    blue_working_days: z
      .number()
      .int({ error: says('blue_days_whole') })
      .min(0, { error: says('blue_days_range') })
      .max(30, { error: says('blue_days_range') })
      .default(FOLLOW_UP_DEFAULTS.blueWorkingDays)
      .meta({
        description:
          'Blue notice (蓝色督办单): this many working days before an agreed item’s time limit, when it is not reported done (0–30, default 3).',
      }),
    yellow_weeks_without_progress: z
      .number()
      .int({ error: says('yellow_weeks_whole') })
      .min(1, { error: says('yellow_weeks_range') })
      .max(12, { error: says('yellow_weeks_range') })
      .default(FOLLOW_UP_DEFAULTS.yellowWeeksWithoutProgress)
      .meta({
        description:
          'Yellow notice (黄色督办单): no new progress reported on an open item for this many reporting weeks (1–12, default 2).',
      }),
    time: wallTime('Time of day the follow-up run sends the notices that are due, HH:MM.').default(
      FOLLOW_UP_DEFAULTS.time,
    ),
    department_mail: z.boolean().default(FOLLOW_UP_DEFAULTS.departmentMail).meta({
      description:
        'Send each responsible department a weekly list of the open problems naming it (default false).',
    }),
  })
  .meta({ description: 'Following up the joint meeting’s agreed items (议定事项): the notices.' });

/** What each assessment fact counts, for editors (the README has the full definitions). */
const FACT_DESCRIPTIONS: Record<AssessmentFactName, string> = {
  weeksExpected: 'Reporting weeks in the period the unit was expected to send a sheet.',
  onTime: 'Weeks whose first usable sheet arrived by the deadline.',
  late: 'Weeks whose first usable sheet arrived after the deadline.',
  missing: 'Weeks without a usable sheet.',
  notUsable: 'Missing weeks in which something arrived but could not be used.',
  correctionsRequested: 'Correction requests sent to the unit.',
  reminders: 'Reminders sent to the unit.',
  escalations: 'Escalations beyond the unit (its head, the responsible leader …).',
  targetsDue: 'Targets of the unit’s projects due in the period.',
  targetsMetOnTime: 'Targets reported 已完成 by their due date.',
  targetsOverdue: 'Targets not reported 已完成 by their due date.',
  itemsAssigned: 'Agreed items assigned to the unit.',
  itemsClosedOnTime: 'Agreed items closed by their time limit.',
  itemsClosedLate: 'Agreed items closed after their time limit.',
  itemsOpen: 'Agreed items open at the end of the period.',
  itemsOverdue: 'Open agreed items past their time limit.',
  noticesBlue: 'Blue supervision notices sent to the unit.',
  noticesYellow: 'Yellow supervision notices sent to the unit.',
  noticesRed: 'Red supervision notices sent to the unit.',
};

const weights = z
  .strictObject(
    Object.fromEntries(
      ASSESSMENT_FACT_NAMES.map((name) => [
        name,
        z.number().optional().meta({ description: FACT_DESCRIPTIONS[name] }),
      ]),
    ) as Record<AssessmentFactName, z.ZodOptional<z.ZodNumber>>,
  )
  .meta({
    description:
      'Weight of each fact (e.g. onTime: 2, missing: -5): the score is the sum of fact × weight. Leave out for no score.',
  });

const assessment = z.strictObject({ weights: weights.optional() }).meta({
  description: 'The assessment record (考评): facts per unit; a score only with weights.',
});

export const scheduleSchema = z
  .strictObject({
    version: z
      .literal(1, { error: says('version') })
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
          .min(1, { error: says('convenors_empty') })
          .meta({ description: 'The convenors (召集人); each project names one of them.' }),
        office: z
          .array(officeMember)
          .min(1, { error: says('office_empty') })
          .meta({ description: 'Members of the joint meeting office (联合会议办公室).' }),
        supervision: z.array(person).default([]).meta({
          description:
            'The supervision office (督查室): receives red supervision notices on agreed items (default: none).',
        }),
      })
      .meta({ description: 'The leadership group and the office, by role.' }),
    units: z
      .array(unit)
      .min(1, { error: says('units_empty') })
      .meta({ description: 'Member units (lead units and responsible departments).' }),
    projects: z
      .array(project)
      .min(1, { error: says('projects_empty') })
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
                ? says(
                    'holiday_rule',
                    withSuggestion(
                      { value: scalar(iss.input), allowed: [...HOLIDAY_RULES] },
                      typeof iss.input === 'string' ? closest(iss.input, HOLIDAY_RULES) : undefined,
                    ),
                  )
                : undefined,
          })
          .default('next_working_day')
          .meta({
            description: 'When the deadline day is not a working day: move it, or keep it.',
          }),
        late_window_working_days: z
          .number()
          .int({ error: says('late_window_whole') })
          .min(0, { error: says('late_window_negative') })
          .max(5, { error: says('late_window_max') })
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
    follow_up: followUp.default(() => ({
      blue_working_days: FOLLOW_UP_DEFAULTS.blueWorkingDays,
      yellow_weeks_without_progress: FOLLOW_UP_DEFAULTS.yellowWeeksWithoutProgress,
      time: FOLLOW_UP_DEFAULTS.time,
      department_mail: FOLLOW_UP_DEFAULTS.departmentMail,
    })),
    assessment: assessment.optional(),
  })
  .meta({
    title: 'duban schedule',
    description:
      'The coordination office’s schedule for duban: programme, people, units, projects, weekly cycle, calendar, follow-up of agreed items and assessment.',
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

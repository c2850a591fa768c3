/**
 * The field builders of the schedule's shape (schedule-schema.ts): ids, e-mail addresses, dates,
 * wall times, weekdays, audiences, calendar entries and time zones, each with the message an
 * office admin reads when a value is wrong.
 */

import { z } from 'zod';
import type { Audience, HolidayRule } from './schedule';
import { ISO_DATE_PATTERN, WEEKDAYS, isRealIsoDate } from './iso-date';
import { says, scalar, withSuggestion, type IdOf } from './schedule-error';
import { closest } from './suggest';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const DATE_OR_RANGE_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/;
export const YEAR_PATTERN = /^\d{4}$/;

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

/** The closest of `allowed` to a string input, for "did you mean". */
const nearest = (input: unknown, allowed: readonly string[]) =>
  typeof input === 'string' ? closest(input, allowed) : undefined;

/** An e-mail address as people mistype it in Chinese input mode: full-width ＠ and ．, spaces. */
export function emailSuggestion(value: string): string | undefined {
  const fixed = value
    .normalize('NFKC')
    .replace(/[。．]/g, '.')
    .replace(/\s+/g, '')
    .replace(/^[<“"'‘]+|[>”"'’；;，,。.]+$/g, '');
  if (fixed === value || !EMAIL.test(fixed)) return undefined;
  return fixed;
}

// The same test zod's z.email() applies, for suggestions.
const EMAIL =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

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
  let hint: string | undefined;
  if (CHINA_ZONE_GUESSES.has(tz.toLowerCase().replace(/\s/g, ''))) hint = DEFAULT_TIMEZONE;
  else {
    const zones = Intl.supportedValuesOf('timeZone');
    // Match on the city too, so "Shanghai" finds "Asia/Shanghai".
    hint =
      closest(tz, zones) ??
      zones.find((z) => z.split('/').pop()?.toLowerCase() === tz.toLowerCase());
  }
  return says(
    'timezone',
    withSuggestion({ value: tz, example: DEFAULT_TIMEZONE }, hint || undefined),
  );
}

// ---------------------------------------------------------------------------------------------
// Field builders

export const text = (description: string) =>
  z
    .string()
    .trim()
    .min(1, { error: says('must_not_be_empty') })
    .meta({ description });

export const id = (kind: IdOf, description: string) =>
  z
    .string()
    .regex(ID_PATTERN, {
      error: (iss) => says('invalid_id', { value: scalar(iss.input), idOf: kind }),
    })
    .meta({ description });

export const email = (description: string) =>
  z
    .email({
      error: (iss) =>
        iss.code === 'invalid_format'
          ? says(
              'invalid_email',
              withSuggestion(
                { value: scalar(iss.input) },
                typeof iss.input === 'string' ? emailSuggestion(iss.input) : undefined,
              ),
            )
          : undefined,
    })
    .meta({ description });

export const isoDate = (description: string) =>
  z
    .string()
    .regex(ISO_DATE_PATTERN, {
      abort: true,
      error: (iss) => says('date_format', { value: scalar(iss.input) }),
    })
    .refine(isRealIsoDate, {
      error: (iss) => says('date_not_real', { value: String(iss.input) }),
    })
    .meta({ description, examples: ['2021-03-25'] });

export const wallTime = (description: string) =>
  z
    .string({
      // YAML 1.1 reads an unquoted 18:00 as the number 1080; say how to write it instead.
      error: (iss) =>
        iss.code === 'invalid_type' && typeof iss.input === 'number'
          ? says('time_as_number', { value: iss.input })
          : undefined,
    })
    .regex(TIME_PATTERN, {
      error: (iss) => {
        const s = String(iss.input);
        return says(
          'time_format',
          /^\d:\d\d$/.test(s) ? { value: s, padded: `0${s}` } : { value: s },
        );
      },
    })
    .meta({ description, examples: ['18:00'] });

export const weekday = (description: string) =>
  z
    .enum(WEEKDAYS, {
      error: (iss) =>
        iss.code === 'invalid_value'
          ? says(
              'weekday',
              withSuggestion(
                { value: scalar(iss.input), allowed: [...WEEKDAYS] },
                nearest(iss.input, WEEKDAYS),
              ),
            )
          : undefined,
    })
    .meta({ description });

export const audience = z
  .enum(AUDIENCES, {
    error: (iss) =>
      iss.code === 'invalid_value'
        ? says(
            'audience',
            withSuggestion(
              { value: scalar(iss.input), allowed: [...AUDIENCES] },
              nearest(iss.input, AUDIENCES),
            ),
          )
        : undefined,
  })
  .meta({
    description:
      'unit: the unit’s reminder recipients; unit_head: the unit’s head; responsible_leader: the ' +
      'project’s responsible convenor; chief_convenor; convenors: all convenors; office: all office members.',
  });

export const digestAudience = z
  .enum(DIGEST_AUDIENCES, {
    error: (iss) => {
      if (iss.code !== 'invalid_value') return undefined;
      const value = iss.input;
      const allowed = [...DIGEST_AUDIENCES];
      if (typeof value === 'string' && (AUDIENCES as readonly string[]).includes(value)) {
        return says('digest_audience_unit_only', { value, allowed });
      }
      return says(
        'digest_audience',
        withSuggestion({ value: scalar(value), allowed }, nearest(value, DIGEST_AUDIENCES)),
      );
    },
  })
  .meta({ description: 'chief_convenor, convenors (all of them) or office (all members).' });

export const calendarEntry = z
  .string()
  .regex(DATE_OR_RANGE_PATTERN, {
    abort: true,
    error: (iss) => says('calendar_entry_format', { value: scalar(iss.input) }),
  })
  .superRefine((value, ctx) => {
    const [, from = '', to] = DATE_OR_RANGE_PATTERN.exec(value) ?? [];
    for (const d of to === undefined ? [from] : [from, to]) {
      if (!isRealIsoDate(d)) {
        ctx.addIssue({ code: 'custom', message: says('date_not_real', { value: d }) });
        return;
      }
    }
    if (to !== undefined && to < from) {
      ctx.addIssue({
        code: 'custom',
        message: says('range_reversed', { value }),
      });
    }
  })
  .meta({
    description: 'A date (2021-04-05) or an inclusive range of dates (2021-02-11..2021-02-17).',
    examples: ['2021-04-05', '2021-02-11..2021-02-17'],
  });

export const timezone = z
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

/**
 * The messages an office admin reads about a schedule file that cannot be used: YAML syntax,
 * an unreadable file, and the schema issues the schema does not word itself (wrong type,
 * missing or unknown key).
 */
import { z } from 'zod';
import { capCodePoints } from '../domain/one-line';
import type { PathSegment } from './schedule-checks';
import { scheduleSchema } from './schedule-schema';
import { didYouMean } from './suggest';

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'This key appears twice in the same mapping; keep only one.',
  TAB_AS_INDENT: 'Tabs are not allowed for indentation in YAML; indent with spaces.',
  MULTIPLE_DOCS: 'The file holds more than one YAML document ("---"); keep only one schedule.',
};

export function yamlMessage(e: { code: string; message: string }): string {
  const hint = YAML_HINTS[e.code];
  if (hint) return hint;
  // The yaml package appends " at line L, column C" even without pretty errors on some paths.
  const text = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  return `YAML syntax error: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
}

export function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'The schedule file does not exist.';
  if (code === 'EISDIR') return 'This is a directory, not a schedule file.';
  if (code === 'EACCES' || code === 'EPERM') {
    return 'The schedule file cannot be read (permission denied).';
  }
  return `The schedule file cannot be read (${code ?? (err as Error).message}).`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list (lines starting with "- ", or [a, b])',
  object: 'a mapping of keys ("key: value" lines)',
  record: 'a mapping of keys ("key: value" lines)',
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return `the text "${capCodePoints(value, 41)}"`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const lastKey = (path: readonly PropertyKey[]): string | undefined => {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : undefined;
};

/** Messages for the issues the schema does not word itself (wrong type, missing key …). */
export const genericMessage: z.core.$ZodErrorMap = (iss) => {
  const path = iss.path ?? [];
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      const input = iss.input;
      if (path.length === 0) {
        return input === null || input === undefined
          ? 'The file is empty; it must hold the schedule (programme, people, units, projects, cycle, calendar).'
          : `The file must be a mapping of keys (programme: …, people: …), not ${describeValue(input)}.`;
      }
      const key = lastKey(path);
      if (input === undefined) return `The required key "${key ?? '?'}" is missing.`;
      if (input === null) {
        return key
          ? `"${key}" has no value; expected ${expected}.`
          : `This entry is empty; expected ${expected}.`;
      }
      let hint = '';
      if (iss.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        hint = ' Put it in quotes if it is meant as text.';
      } else if (iss.expected === 'boolean' && typeof input === 'string') {
        hint = ' Write true or false, without quotes.';
      } else if (iss.expected === 'array' && typeof input === 'string') {
        hint = ` Write a list even for one entry: [${input}].`;
      }
      return `Expected ${expected}, found ${describeValue(input)}.${hint}`;
    }
    case 'invalid_value': {
      const values = iss.values.map(String);
      const input = iss.input;
      const shown = typeof input === 'string' ? `"${input}"` : describeValue(input);
      return (
        `${shown[0]?.toUpperCase() ?? ''}${shown.slice(1)} is not allowed here: use one of ` +
        `${values.join(', ')}${typeof input === 'string' ? didYouMean(input, values) : ''}.`
      );
    }
    case 'invalid_key':
      return `"${String(iss.input)}" is not a year: the keys under calendar.years must be four-digit years like 2021.`;
    case 'too_small':
      if (iss.origin === 'array') return `This list needs at least ${String(iss.minimum)} entry.`;
      if (iss.origin === 'string') return 'This must not be empty.';
      return undefined;
    case 'unrecognized_keys':
      // Replaced by one message per key, with the allowed keys, in loadScheduleText.
      return `Unknown keys: ${iss.keys.join(', ')}.`;
    default:
      return undefined;
  }
};

export function unknownKeyMessage(key: string, allowed: string[]): string {
  const list = allowed.length ? ` Allowed keys here: ${allowed.join(', ')}.` : '';
  return `Unknown key "${key}"${didYouMean(key, allowed)}.${list}`;
}

/** The keys the schema allows in the mapping at `path`, for "unknown key" messages. */
export function allowedKeysAt(path: PathSegment[]): string[] {
  let schema: unknown = scheduleSchema;
  const unwrap = (s: unknown): unknown => {
    while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      s = s.unwrap();
    }
    return s;
  };
  for (const seg of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, unknown>)[seg];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

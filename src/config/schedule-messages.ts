/**
 * What is wrong with a schedule file that cannot be used, as structured details
 * (schedule-error.ts): YAML syntax, an unreadable file, and the schema issues the schema does not
 * word itself (wrong type, missing or unknown key).
 */
import { z } from 'zod';
import { capCodePoints } from '../domain/one-line';
import type { PathSegment } from './schedule-checks';
import {
  detail,
  encodeDetail,
  readFailureDetail,
  scalar,
  withSuggestion,
  type Expected,
  type Found,
  type ScheduleErrorDetail,
} from './schedule-error';
import { scheduleSchema } from './schedule-schema';
import { closest } from './suggest';

const YAML_KINDS: Record<string, ScheduleErrorDetail> = {
  DUPLICATE_KEY: detail('yaml_duplicate_key'),
  TAB_AS_INDENT: detail('yaml_tab_indent'),
  MULTIPLE_DOCS: detail('yaml_multiple_docs'),
};

export function yamlDetail(e: { code: string; message: string }): ScheduleErrorDetail {
  const known = YAML_KINDS[e.code];
  if (known) return known;
  // The yaml package appends " at line L, column C" even without pretty errors on some paths.
  const text = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  return detail('yaml_syntax', { yamlCode: e.code, detail: text });
}

export function readFailure(err: unknown): ScheduleErrorDetail {
  return readFailureDetail((err as NodeJS.ErrnoException).code ?? (err as Error).message);
}

const EXPECTED = new Set<string>([
  'string',
  'number',
  'int',
  'boolean',
  'array',
  'object',
  'record',
]);

function foundOf(value: unknown): Found {
  if (value === null || value === undefined) return { type: 'nothing' };
  if (typeof value === 'string') return { type: 'text', text: capCodePoints(value, 41) };
  if (typeof value === 'number') return { type: 'number', text: String(value) };
  if (typeof value === 'boolean') return { type: 'boolean', text: String(value) };
  if (Array.isArray(value)) return { type: 'list' };
  return { type: 'mapping' };
}

const lastKey = (path: readonly PropertyKey[]): string | undefined => {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : undefined;
};

/** The detail of a schema issue the schema does not word itself (wrong type, missing key …). */
function genericDetail(iss: Parameters<z.core.$ZodErrorMap>[0]): ScheduleErrorDetail | undefined {
  const path = iss.path ?? [];
  switch (iss.code) {
    case 'invalid_type': {
      const expected = (EXPECTED.has(iss.expected) ? iss.expected : 'other') as Expected;
      const input = iss.input;
      if (path.length === 0) {
        return input === null || input === undefined
          ? detail('empty_file')
          : detail('root_not_mapping', { found: foundOf(input) });
      }
      const key = lastKey(path);
      if (input === undefined) return detail('required_key', { key: key ?? '?' });
      if (input === null) return detail('no_value', key ? { key, expected } : { expected });
      let hint: 'quote' | 'boolean' | 'list' | undefined;
      if (iss.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        hint = 'quote';
      } else if (iss.expected === 'boolean' && typeof input === 'string') {
        hint = 'boolean';
      } else if (iss.expected === 'array' && typeof input === 'string') {
        hint = 'list';
      }
      const found = foundOf(input);
      return detail('wrong_type', hint ? { expected, found, hint } : { expected, found });
    }
    case 'invalid_value': {
      const allowed = iss.values.map(String);
      const input = iss.input;
      const suggestion = typeof input === 'string' ? closest(input, allowed) : undefined;
      return detail('not_allowed', withSuggestion({ value: scalar(input), allowed }, suggestion));
    }
    case 'invalid_key':
      return detail('not_a_year', { key: String(iss.input) });
    case 'too_small':
      if (iss.origin === 'array') return detail('list_too_short', { minimum: Number(iss.minimum) });
      if (iss.origin === 'string') return detail('must_not_be_empty');
      return undefined;
    default:
      return undefined;
  }
}

/** zod's error map for the schedule: every issue it words carries its detail. */
export const genericMessage: z.core.$ZodErrorMap = (iss) => {
  const d = genericDetail(iss);
  return d ? encodeDetail(d) : undefined;
};

export function unknownKeyDetail(key: string, allowed: string[]): ScheduleErrorDetail {
  return detail('unknown_key', withSuggestion({ key, allowed }, closest(key, allowed)));
}

/** A key under assessment.weights that names no assessment fact. */
export function unknownFactDetail(fact: string, allowed: string[]): ScheduleErrorDetail {
  return detail('unknown_fact', withSuggestion({ fact, allowed }, closest(fact, allowed)));
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

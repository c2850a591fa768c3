/**
 * Reads the office's `schedule.yaml` into the Schedule model (schedule.ts).
 *
 * The admin edits this file by hand, and a misread schedule can mark a unit late wrongly, so
 * loading is strict and explains itself: every problem (YAML syntax, shape, cross-references) is
 * reported in one pass, each with file:line:column, the path of the offending value and a plain
 * English sentence. Nothing outside src/config/ needs to know the file is YAML.
 */

import { promises as fs } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { z } from 'zod';
import type { Code } from '../errors';
import { datesBetween } from './iso-date';
import type { CalendarYear, Person, Schedule } from './schedule';
import { crossCheck, parseEntry, renderPath, type PathSegment } from './schedule-checks';
import { canonicalTimezone, scheduleSchema, type ScheduleDocument } from './schedule-schema';
import { didYouMean } from './suggest';

export interface ConfigError {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (it cannot be read). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** Where in the document, e.g. projects[2].lead_units[1]; empty for the file as a whole. */
  path: string;
  /** A plain English sentence an office admin understands. */
  message: string;
}

export type ScheduleResult =
  | { ok: true; schedule: Schedule; warnings: ConfigError[] }
  | {
      ok: false;
      errors: ConfigError[];
      warnings: ConfigError[];
      /** CONFIG_NOT_FOUND: the file could not be read; CONFIG_INVALID: it has errors. */
      code: Extract<Code, 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND'>;
    };

/** `file:line:column: path: message` (position and path left out when there are none). */
export function formatConfigError(e: ConfigError, severity: 'error' | 'warning' = 'error'): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  const what = severity === 'warning' ? `warning: ${e.message}` : e.message;
  return e.path ? `${where}: ${e.path}: ${what}` : `${where}: ${what}`;
}

/**
 * Reads and validates a schedule file. Never throws for a missing or unreadable file: that is
 * reported as a CONFIG_NOT_FOUND result. `displayName` is how the file is named in messages.
 */
export async function loadScheduleFile(
  path: string,
  displayName: string = path,
): Promise<ScheduleResult> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    return {
      ok: false,
      code: 'CONFIG_NOT_FOUND',
      errors: [wholeFile(displayName, readFailure(err))],
      warnings: [],
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // A GBK file decoded leniently would turn every Chinese name into replacement characters
    // that then match nothing; refuse it instead.
    return {
      ok: false,
      code: 'CONFIG_INVALID',
      errors: [
        {
          ...wholeFile(displayName, ''),
          line: 1,
          column: 1,
          message:
            'The file is not UTF-8 text (perhaps it was saved as GBK/ANSI); save it again with UTF-8 encoding.',
        },
      ],
      warnings: [],
    };
  }
  return loadScheduleText(text, displayName);
}

/** Validates schedule YAML given as text; `fileName` is how the file is named in messages. */
export function loadScheduleText(text: string, fileName: string): ScheduleResult {
  // TextDecoder keeps a UTF-8 byte-order mark (Windows Notepad writes one); editors do not
  // count it as a column.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, path: string, message: string): ConfigError => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: fileName, line, column: col, path, message };
  };

  const warnings: ConfigError[] = doc.warnings.map((w) => at(w.pos[0], '', yamlMessage(w)));
  if (doc.errors.length > 0) {
    return {
      ok: false,
      code: 'CONFIG_INVALID',
      errors: sortErrors(doc.errors.map((e) => at(e.pos[0], '', yamlMessage(e)))),
      warnings,
    };
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      ok: false,
      code: 'CONFIG_INVALID',
      errors: [at(0, '', `The file cannot be read as YAML: ${(err as Error).message}`)],
      warnings,
    };
  }

  const lineOf = (path: PathSegment[]) => lineCounter.linePos(offsetOf(doc, path, 'value')).line;
  const report = (path: PathSegment[], target: Target, message: string) =>
    at(offsetOf(doc, path, target), renderPath(path), message);

  const errors: ConfigError[] = [];
  const parsed = scheduleSchema.safeParse(raw, { error: genericMessage, reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const allowed = allowedKeysAt(path);
        for (const key of issue.keys) {
          errors.push(report([...path, key], 'key', unknownKeyMessage(key, allowed)));
        }
      } else if (issue.code === 'invalid_type' && issue.input === undefined && path.length > 0) {
        errors.push(report(path, 'parent', issue.message));
      } else {
        errors.push(report(path, issue.code === 'invalid_key' ? 'key' : 'value', issue.message));
      }
    }
  }

  for (const issue of crossCheck(raw, lineOf)) {
    const e = report(issue.path, issue.at, issue.message);
    (issue.severity === 'error' ? errors : warnings).push(e);
  }

  if (errors.length > 0 || !parsed.success) {
    return {
      ok: false,
      code: 'CONFIG_INVALID',
      errors: sortErrors(errors),
      warnings: sortErrors(warnings),
    };
  }
  return { ok: true, schedule: normalise(parsed.data), warnings: sortErrors(warnings) };
}

// ---------------------------------------------------------------------------------------------
// Positions

/** key: the key naming the value; value: the value itself; parent: the mapping holding it. */
type Target = 'key' | 'value' | 'parent';

/**
 * The offset in the source to point at for `path`. Walks the YAML nodes (not the JS value) so
 * every error lands on the text the admin must change. When the path does not exist (a missing
 * key), points at the deepest mapping or list that does.
 */
function offsetOf(doc: Document, path: PathSegment[], target: Target): number {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  let parent: unknown = undefined;
  const start = (n: unknown): number | undefined => {
    const range = (n as YamlNode | null | undefined)?.range;
    return range ? range[0] : undefined;
  };

  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) return start(node) ?? 0;
      parent = node;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return start(node) ?? 0;
      parent = node;
      keyNode = undefined;
      node = item;
    } else {
      return start(node) ?? start(keyNode) ?? 0;
    }
  }

  if (target === 'parent') return start(parent) ?? 0;
  if (target === 'key') return start(keyNode) ?? start(node) ?? start(parent) ?? 0;
  // An empty value (`mailbox:` with nothing after it) has no text of its own: point at its key.
  const empty =
    isScalar(node) && node.value === null && node.range && node.range[0] === node.range[1];
  return (empty ? undefined : start(node)) ?? start(keyNode) ?? start(parent) ?? 0;
}

function sortErrors(list: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return list
    .filter((e) => {
      const key = `${e.line}:${e.column}:${e.path}:${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

// ---------------------------------------------------------------------------------------------
// Messages

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'This key appears twice in the same mapping; keep only one.',
  TAB_AS_INDENT: 'Tabs are not allowed for indentation in YAML; indent with spaces.',
  MULTIPLE_DOCS: 'The file holds more than one YAML document ("---"); keep only one schedule.',
};

function yamlMessage(e: { code: string; message: string }): string {
  const hint = YAML_HINTS[e.code];
  if (hint) return hint;
  // The yaml package appends " at line L, column C" even without pretty errors on some paths.
  const text = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  return `YAML syntax error: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
}

function wholeFile(file: string, message: string): ConfigError {
  return { file, line: 0, column: 0, path: '', message };
}

function readFailure(err: unknown): string {
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
    return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
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
const genericMessage: z.core.$ZodErrorMap = (iss) => {
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

function unknownKeyMessage(key: string, allowed: string[]): string {
  const list = allowed.length ? ` Allowed keys here: ${allowed.join(', ')}.` : '';
  return `Unknown key "${key}"${didYouMean(key, allowed)}.${list}`;
}

/** The keys the schema allows in the mapping at `path`, for "unknown key" messages. */
function allowedKeysAt(path: PathSegment[]): string[] {
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

// ---------------------------------------------------------------------------------------------
// The model

function normalise(d: ScheduleDocument): Schedule {
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
  };
}

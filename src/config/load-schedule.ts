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
import type { Code } from '../errors';
import type { Schedule } from './schedule';
import { crossCheck, renderPath, type PathSegment } from './schedule-checks';
import { scheduleSchema } from './schedule-schema';
import {
  allowedKeysAt,
  genericMessage,
  readFailure,
  unknownKeyMessage,
  yamlMessage,
} from './schedule-messages';
import { normalise } from './schedule-normalise';

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

function wholeFile(file: string, message: string): ConfigError {
  return { file, line: 0, column: 0, path: '', message };
}

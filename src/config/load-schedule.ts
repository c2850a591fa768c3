/**
 * Reads the office's `schedule.yaml` into the Schedule model (schedule.ts).
 *
 * The admin edits this file by hand, and a misread schedule can mark a unit late wrongly, so
 * loading is strict and explains itself: every problem (YAML syntax, shape, cross-references) is
 * reported in one pass, each with file:line:column, the path of the offending value and its kind
 * with the values of its message (schedule-error.ts), worded in zh-CN or English by
 * formatScheduleError (schedule-error-format.ts). Nothing outside src/config/ needs to know the
 * file is YAML.
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
import { decodeDetail, detail, type ConfigError, type ScheduleErrorDetail } from './schedule-error';
import { formatScheduleError, scheduleMessage } from './schedule-error-format';
import {
  allowedKeysAt,
  genericMessage,
  readFailure,
  unknownFactDetail,
  unknownKeyDetail,
  yamlDetail,
} from './schedule-messages';
import { normalise } from './schedule-normalise';

export type { ConfigError };
export { formatScheduleError };

export type ScheduleResult =
  | { ok: true; schedule: Schedule; warnings: ConfigError[] }
  | {
      ok: false;
      errors: ConfigError[];
      warnings: ConfigError[];
      /** CONFIG_NOT_FOUND: the file could not be read; CONFIG_INVALID: it has errors. */
      code: Extract<Code, 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND'>;
    };

/** A problem at a place, with its English sentence. */
function configError(
  file: string,
  line: number,
  column: number,
  path: string,
  d: ScheduleErrorDetail,
): ConfigError {
  return {
    file,
    line,
    column,
    path,
    kind: d.kind,
    params: d.params,
    message: scheduleMessage(d, 'en'),
  };
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
      errors: [configError(displayName, 1, 1, '', detail('not_utf8'))],
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
  const at = (offset: number, path: string, d: ScheduleErrorDetail): ConfigError => {
    const { line, col } = lineCounter.linePos(offset);
    return configError(fileName, line, col, path, d);
  };

  const warnings: ConfigError[] = doc.warnings.map((w) => at(w.pos[0], '', yamlDetail(w)));
  if (doc.errors.length > 0) {
    return {
      ok: false,
      code: 'CONFIG_INVALID',
      errors: sortErrors(doc.errors.map((e) => at(e.pos[0], '', yamlDetail(e)))),
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
      errors: [at(0, '', detail('yaml_unresolvable', { detail: (err as Error).message }))],
      warnings,
    };
  }

  const lineOf = (path: PathSegment[]) => lineCounter.linePos(offsetOf(doc, path, 'value')).line;
  const report = (path: PathSegment[], target: Target, d: ScheduleErrorDetail) =>
    at(offsetOf(doc, path, target), renderPath(path), d);

  const errors: ConfigError[] = [];
  const parsed = scheduleSchema.safeParse(raw, { error: genericMessage, reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const allowed = allowedKeysAt(path);
        const weights = renderPath(path) === 'assessment.weights';
        for (const key of issue.keys) {
          const d = weights ? unknownFactDetail(key, allowed) : unknownKeyDetail(key, allowed);
          errors.push(report([...path, key], 'key', d));
        }
      } else if (issue.code === 'invalid_type' && issue.input === undefined && path.length > 0) {
        errors.push(report(path, 'parent', decodeDetail(issue.message)));
      } else {
        const target = issue.code === 'invalid_key' ? 'key' : 'value';
        errors.push(report(path, target, decodeDetail(issue.message)));
      }
    }
  }

  for (const issue of crossCheck(raw, lineOf)) {
    const e = report(issue.path, issue.at, issue.detail);
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

function wholeFile(file: string, d: ScheduleErrorDetail): ConfigError {
  return configError(file, 0, 0, '', d);
}

/**
 * The conventions every environment variable follows, in one reader: an empty (or blank) value
 * counts as unset; values other than passwords are trimmed; each problem is collected (never
 * thrown) and starts with the variable's name, so a whole environment is checked in one pass.
 */
import { DubanError, type Code } from '../../errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** The error codes an environment section reports its problems under (src/errors.ts). */
export type EnvCode = Extract<Code, 'ENV_INVALID' | 'SMTP_CONFIG_INVALID' | 'DATABASE_URL_INVALID'>;

/** What a section parser returns: its value, or every problem that stops it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: EnvCode; problems: string[] };

/** Collects problems while reading; each message starts with the variable's name. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The value as given (not trimmed), or undefined when unset, empty or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  /** The trimmed value, or undefined when unset or blank. */
  string(name: string): string | undefined {
    return this.raw(name)?.trim();
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** Names of set variables starting with `prefix`. */
  namesWithPrefix(prefix: string): string[] {
    return Object.keys(this.env)
      .filter((name) => name.startsWith(prefix) && this.has(name))
      .sort();
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  number(
    name: string,
    opts: { default: number; min: number; max: number; integer?: boolean; unit?: string },
  ): number {
    const text = this.string(name);
    if (text === undefined) return opts.default;
    const value = /^[+]?(\d+(\.\d+)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    const kind = opts.integer ? 'a whole number' : 'a number';
    const unit = opts.unit ? ` ${opts.unit}` : '';
    if (Number.isNaN(value) || (opts.integer && !Number.isInteger(value))) {
      this.problem(`${name}: "${text}" is not ${kind}; write ${kind} of${unit || ' units'}.`);
      return opts.default;
    }
    if (value < opts.min || value > opts.max) {
      this.problem(`${name}: ${text} is out of range; use ${opts.min} to ${opts.max}${unit}.`);
      return opts.default;
    }
    return value;
  }

  /** true/false (also yes/no, 1/0, on/off); undefined when unset or invalid (with a problem). */
  boolean(name: string): boolean | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const lower = text.toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(lower)) return true;
    if (['false', 'no', '0', 'off'].includes(lower)) return false;
    this.problem(`${name}: "${text}" is not true or false.`);
    return undefined;
  }

  /** The section's value, or its problems under `code` when there are any. */
  result<T>(value: T, code: EnvCode = 'ENV_INVALID'): Parsed<T> {
    return this.problems.length === 0
      ? { ok: true, value }
      : { ok: false, code, problems: [...this.problems] };
  }
}

/**
 * One DubanError listing every problem, one per line (`details.problems`). Its code is the
 * sections' own code when they all share one (SMTP_CONFIG_INVALID for mail settings alone, as
 * before), else ENV_INVALID. Secrets never appear: the parsers never put them in a message.
 */
export function envError(failed: { code: EnvCode; problems: string[] }[]): DubanError {
  const problems = failed.flatMap((f) => f.problems);
  const codes = [...new Set(failed.map((f) => f.code))];
  const code: EnvCode = codes.length === 1 && codes[0] ? codes[0] : 'ENV_INVALID';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new DubanError(
    code,
    `The environment has ${count}:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    { problems },
  );
}

/** The value of a parsed section, or its DubanError. */
export function valueOrThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw envError([parsed]);
  return parsed.value;
}

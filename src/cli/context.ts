import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../paths';

export { PACKAGE_ROOT };

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Where progress of long commands goes (src/cli/progress.ts): stderr, raw (no line added), with
   * whether it is a terminal. Absent: progress is written as plain lines through `err`.
   */
  progress?: { write(text: string): unknown; isTTY?: boolean };
}

/** Handed to every command: where to write, and how to report the exit code. */
export interface CommandContext {
  io: CliIO;
  setExit(code: number): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  cwd: process.cwd(),
  progress: process.stderr,
};

export const EXAMPLE_SCHEDULE = path.join(PACKAGE_ROOT, 'config', 'schedule.example.yaml');

export type ConfigSource = 'flag' | 'env' | 'default' | 'example';

/**
 * Where the schedule comes from: --config FILE, else $DUBAN_CONFIG, else config/schedule.yaml
 * (relative to the working directory), else the bundled example, which is announced on stderr so
 * nobody runs the office on example data by accident.
 */
export function resolveSchedulePath(
  flag: string | undefined,
  io: CliIO,
): { path: string; source: ConfigSource } {
  if (flag) return { path: path.resolve(io.cwd, flag), source: 'flag' };
  const fromEnv = io.env.DUBAN_CONFIG;
  if (fromEnv) return { path: path.resolve(io.cwd, fromEnv), source: 'env' };
  const local = path.resolve(io.cwd, 'config', 'schedule.yaml');
  if (fs.existsSync(local)) return { path: local, source: 'default' };
  io.err(
    `duban: no --config, DUBAN_CONFIG or config/schedule.yaml; using the example schedule ${EXAMPLE_SCHEDULE}`,
  );
  return { path: EXAMPLE_SCHEDULE, source: 'example' };
}

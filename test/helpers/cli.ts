import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/context';

export const ROOT = path.resolve(__dirname, '../..');

export interface Captured extends CliIO {
  stdout: string;
  stderr: string;
}

/** An io object that records what a command writes. */
export function capture(env: NodeJS.ProcessEnv = {}, cwd: string = ROOT): Captured {
  const io: Captured = {
    stdout: '',
    stderr: '',
    out: (text) => void (io.stdout += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void (io.stderr += text.endsWith('\n') ? text : `${text}\n`),
    env,
    cwd,
  };
  return io;
}

/** Runs `duban <args>` in-process and returns its exit code and output. */
export async function run(
  args: string[],
  io: Captured = capture(),
): Promise<{ code: number; io: Captured }> {
  return { code: await main(['node', 'duban', ...args], io), io };
}

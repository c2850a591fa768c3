/** Helpers shared by commands: --now, and turning a configuration or database error into an exit. */
import { DubanError } from '../../errors';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';

/**
 * The `--now <ISO time>` option: undefined (after reporting) when invalid, null when not given.
 * A time without an offset is refused: "what would happen at 09:00" must say where 09:00 is.
 */
export function parseNow(text: string | undefined, ctx: CommandContext): Date | null | undefined {
  if (text === undefined) return null;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = new Date(text);
  if (!ok || Number.isNaN(at.getTime())) {
    ctx.io.err(
      `duban: --now "${text}" is not an ISO time with an offset, like 2021-03-15T09:00:00+08:00.`,
    );
    ctx.setExit(EXIT.USAGE);
    return undefined;
  }
  return at;
}

/** Reports an error met while setting up (environment, database) and sets the exit code. */
export function exitForError(err: unknown, ctx: CommandContext, command: string): void {
  if (!(err instanceof DubanError)) throw err;
  ctx.io.err(`duban ${command}: ${err.code}: ${err.message}`);
  ctx.setExit(err.code === 'DATABASE_UNAVAILABLE' ? EXIT.UNAVAILABLE : EXIT.USAGE);
}

import * as path from 'node:path';
import type { Command } from 'commander';
import { resolveSchedulePath, type CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import {
  formatConfigError,
  loadScheduleFile,
  type ConfigError,
  type ScheduleResult,
} from '../../config/load-schedule';
import type { Schedule } from '../../config/schedule';
import { scheduleJsonSchemaText } from '../../config/schedule-schema';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a schedule file is named in messages: relative to the working directory when inside it. */
function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function readSchedule(
  flag: string | undefined,
  ctx: CommandContext,
): Promise<{ shown: string; result: ScheduleResult }> {
  const { path: file } = resolveSchedulePath(flag, ctx.io);
  const shown = displayPath(file, ctx.io.cwd);
  return { shown, result: await loadScheduleFile(file, shown) };
}

function reportFailure(
  shown: string,
  errors: ConfigError[],
  warnings: ConfigError[],
  ctx: CommandContext,
): void {
  for (const e of errors) ctx.io.err(formatConfigError(e));
  // A missing file is one line; a list of mistakes ends with its count.
  if (errors.length === 1 && errors[0]?.line === 0) return;
  for (const w of warnings) ctx.io.err(formatConfigError(w, 'warning'));
  const counts = [plural(errors.length, 'error')];
  if (warnings.length) counts.push(plural(warnings.length, 'warning'));
  ctx.io.err(`${shown}: ${counts.join(', ')}; the schedule was not loaded.`);
}

/**
 * For commands that need the schedule: loads it from --config (else $DUBAN_CONFIG, else
 * config/schedule.yaml, else the example), prints warnings on stderr, and on errors prints them
 * all on stderr, sets exit code 1 and returns null.
 */
export async function loadScheduleOrReport(
  flag: string | undefined,
  ctx: CommandContext,
): Promise<Schedule | null> {
  const { shown, result } = await readSchedule(flag, ctx);
  if (!result.ok) {
    reportFailure(shown, result.errors, result.warnings, ctx);
    ctx.setExit(EXIT.USAGE);
    return null;
  }
  for (const w of result.warnings) ctx.io.err(formatConfigError(w, 'warning'));
  return result.schedule;
}

export function registerConfigCommands(program: Command, ctx: CommandContext): void {
  const config = program
    .command('config')
    .description('Check the schedule YAML, or print its JSON Schema for editors');

  config
    .command('check')
    .description(
      'Validate the schedule and list every mistake as file:line:column: path: message.\n' +
        'The file is FILE, else --config, else $DUBAN_CONFIG, else config/schedule.yaml, else the example.',
    )
    .argument('[file]', 'the schedule YAML to check')
    .option('-c, --config <file>', 'the schedule YAML to check (when FILE is not given)')
    .option('--json', 'print {ok, file, errors, warnings} as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 the schedule is valid (warnings do not fail it); 1 it has errors or cannot be read.',
    )
    .action(async (file: string | undefined, opts: { config?: string; json?: boolean }) => {
      const { shown, result } = await readSchedule(file ?? opts.config, ctx);
      if (!result.ok) ctx.setExit(EXIT.USAGE);

      if (opts.json) {
        const errors = result.ok ? [] : result.errors;
        const report = { ok: result.ok, file: shown, errors, warnings: result.warnings };
        ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      if (!result.ok) {
        reportFailure(shown, result.errors, result.warnings, ctx);
        return;
      }
      const s = result.schedule;
      const targets = s.projects.reduce((n, p) => n + p.targets.length, 0);
      ctx.io.out(
        `${shown}: OK (${plural(s.units.length, 'unit')}, ${plural(s.projects.length, 'project')}, ${plural(targets, 'target')})`,
      );
      for (const w of result.warnings) ctx.io.out(formatConfigError(w, 'warning'));
      if (result.warnings.length) ctx.io.out(plural(result.warnings.length, 'warning'));
    });

  config
    .command('schema')
    .description(
      'Print the JSON Schema of the schedule YAML (editors use it for completion and checks).\n' +
        'Regenerate the committed copy with: npm run build && node bin/duban.js config schema > config/schedule.schema.json',
    )
    .action(() => {
      ctx.io.out(scheduleJsonSchemaText());
    });
}

import * as path from 'node:path';
import type { Command } from 'commander';
import { resolveSchedulePath, type CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import {
  loadScheduleFile,
  type ConfigError,
  type ScheduleResult,
} from '../../config/load-schedule';
import {
  formatScheduleError,
  scheduleMessage,
  type Lang,
} from '../../config/schedule-error-format';
import type { ScheduleErrorDetail } from '../../config/schedule-error';
import { resolveLang } from '../lang';
import type { Schedule } from '../../config/schedule';
import { scheduleJsonSchemaText } from '../../config/schedule-schema';
import { openDatabaseFor } from '../../adapters/storage';
import { decisionStoreOver } from '../../compose/decisions';
import { databaseUrlFromEnv } from '../../config/env';
import { unmatchedUnitNames, type UnmatchedUnitName } from '../../domain/decisions/unmatched';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary lines of `config check`, in the language of its errors. */
const SUMMARY: Record<
  Lang,
  {
    failed(shown: string, errors: number, warnings: number): string;
    ok(shown: string, units: number, projects: number, targets: number): string;
    warnings(n: number): string;
    unmatched(names: UnmatchedUnitName[]): string[];
  }
> = {
  en: {
    failed: (shown, errors, warnings) =>
      `${shown}: ${[plural(errors, 'error'), ...(warnings ? [plural(warnings, 'warning')] : [])].join(', ')}; the schedule was not loaded.`,
    ok: (shown, units, projects, targets) =>
      `${shown}: OK (${plural(units, 'unit')}, ${plural(projects, 'project')}, ${plural(targets, 'target')})`,
    warnings: (n) => plural(n, 'warning'),
    unmatched: (names) => [
      `recorded agreed items name ${plural(names.length, 'unit')} the schedule does not list:`,
      ...names.map((u) => `  "${u.name}" (items ${u.items.join(', ')})`),
    ],
  },
  'zh-CN': {
    failed: (shown, errors, warnings) =>
      `${shown}：共${errors}处错误${warnings ? `、${warnings}处警告` : ''}，配置未加载。`,
    ok: (shown, units, projects, targets) =>
      `${shown}：检查通过（${units}个单位、${projects}个项目、${targets}项攻坚目标）`,
    warnings: (n) => `共${n}处警告`,
    unmatched: (names) => [
      `已记录的议定事项中有${names.length}个单位名称未在单位名单中：`,
      ...names.map((u) => `  “${u.name}”（议定事项${u.items.join('、')}）`),
    ],
  },
};

/** An error as JSON: where, its kind and values, and its sentence in `lang`. */
function errorJson(e: ConfigError, lang: Lang) {
  const message = scheduleMessage({ kind: e.kind, params: e.params } as ScheduleErrorDetail, lang);
  return { ...e, message };
}

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
  lang: Lang,
  ctx: CommandContext,
): void {
  for (const e of errors) ctx.io.err(formatScheduleError(e, lang));
  // A missing file is one line; a list of mistakes ends with its count.
  if (errors.length === 1 && errors[0]?.line === 0) return;
  for (const w of warnings) ctx.io.err(formatScheduleError(w, lang, 'warning'));
  ctx.io.err(SUMMARY[lang].failed(shown, errors.length, warnings.length));
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
  const lang = resolveLang(undefined, ctx.io);
  if (lang === null) {
    ctx.setExit(EXIT.USAGE);
    return null;
  }
  const { shown, result } = await readSchedule(flag, ctx);
  if (!result.ok) {
    reportFailure(shown, result.errors, result.warnings, lang, ctx);
    ctx.setExit(EXIT.USAGE);
    return null;
  }
  for (const w of result.warnings) ctx.io.err(formatScheduleError(w, lang, 'warning'));
  return result.schedule;
}

/**
 * Names in recorded agreed items that match no unit of `schedule`, when a database is configured
 * (DATABASE_URL or DATABASE_URL_FILE) and migrated; null otherwise (nothing is said about it:
 * the check is about the schedule, and only reads).
 */
async function unmatchedInDatabase(
  schedule: Schedule,
  ctx: CommandContext,
): Promise<UnmatchedUnitName[] | null> {
  const { env } = ctx.io;
  if (!env.DATABASE_URL?.trim() && !env.DATABASE_URL_FILE?.trim()) return null;
  try {
    const db = await openDatabaseFor(databaseUrlFromEnv(env, ctx.io.cwd), 'read', {
      cwd: ctx.io.cwd,
    });
    try {
      return unmatchedUnitNames(await decisionStoreOver(db).items(), schedule.units);
    } finally {
      await db.close();
    }
  } catch {
    return null;
  }
}

export function registerConfigCommands(program: Command, ctx: CommandContext): void {
  const config = program
    .command('config')
    .description('Check the schedule YAML, or print its JSON Schema for editors');

  config
    .command('check')
    .description(
      'Validate the schedule and list every mistake with file:line:column, the field path and a\n' +
        'sentence (zh-CN by default, for the office; --lang en or DUBAN_LANG=en for English).\n' +
        'The file is FILE, else --config, else $DUBAN_CONFIG, else config/schedule.yaml, else the example.',
    )
    .argument('[file]', 'the schedule YAML to check')
    .option('-c, --config <file>', 'the schedule YAML to check (when FILE is not given)')
    .option('--lang <lang>', 'language of the messages: zh-CN (default) or en; else $DUBAN_LANG')
    .option(
      '--json',
      'print {ok, file, errors, warnings} as JSON on stdout (each error: line, column, path, kind, params, message)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 the schedule is valid (warnings do not fail it); 1 it has errors or cannot be read.',
    )
    .action(
      async (
        file: string | undefined,
        opts: { config?: string; json?: boolean; lang?: string },
      ) => {
        const lang = resolveLang(opts.lang, ctx.io);
        if (lang === null) {
          ctx.setExit(EXIT.USAGE);
          return;
        }
        const { shown, result } = await readSchedule(file ?? opts.config, ctx);
        if (!result.ok) ctx.setExit(EXIT.USAGE);

        const unmatched = result.ok ? await unmatchedInDatabase(result.schedule, ctx) : null;
        if (opts.json) {
          const errors = result.ok ? [] : result.errors;
          const report = {
            ok: result.ok,
            file: shown,
            errors: errors.map((e) => errorJson(e, lang)),
            warnings: result.warnings.map((w) => errorJson(w, lang)),
            ...(unmatched ? { unmatchedUnits: unmatched } : {}),
          };
          ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        if (!result.ok) {
          reportFailure(shown, result.errors, result.warnings, lang, ctx);
          return;
        }
        const s = result.schedule;
        const targets = s.projects.reduce((n, p) => n + p.targets.length, 0);
        ctx.io.out(SUMMARY[lang].ok(shown, s.units.length, s.projects.length, targets));
        for (const w of result.warnings) ctx.io.out(formatScheduleError(w, lang, 'warning'));
        if (result.warnings.length) ctx.io.out(SUMMARY[lang].warnings(result.warnings.length));
        if (unmatched?.length) for (const l of SUMMARY[lang].unmatched(unmatched)) ctx.io.out(l);
      },
    );

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

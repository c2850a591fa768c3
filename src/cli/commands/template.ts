import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { projectsLedBy, writeTemplate, type PreviousAnswers } from '../../adapters/excel/template';
import { openDatabaseFor, parseDatabaseUrl } from '../../adapters/storage';
import { loadPreviousAnswers } from '../../app/reminders';
import { templateItemsFor } from '../../app/decisions/template-items';
import { decisionStoreOver } from '../../compose/decisions';
import { weekReadsOver } from '../../compose/week-deps';
import { databaseUrlFromEnv } from '../../config/env';
import type { Schedule } from '../../config/schedule';
import type { TemplateItem } from '../../domain/decisions/types';
import type { CliIO, CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { loadScheduleOrReport } from './config';
import { parseWeek } from './common';

type TemplateOptions = {
  unit: string;
  week: string;
  out?: string;
  config?: string;
  blank?: boolean;
};

export function registerTemplateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('template')
    .description("Write a lead unit's weekly issue sheet (问题清单), pre-filled from the schedule")
    .requiredOption('--unit <unit-id>', 'the lead unit, by its id in the schedule (e.g. jiaoyu)')
    .requiredOption('--week <YYYY-MM-DD>', 'the reporting week, named by its Monday')
    .option('-o, --out <FILE>', 'where to write the .xlsx (default: 问题清单-<unit>-<week>.xlsx)')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--blank', "do not pre-fill last week's answers (no database needed)")
    .addHelpText(
      'after',
      '\nThe sheet has the official layout of the notice: title rows, the nine-column header, one row\n' +
        "per target with the unit's projects, targets and due dates filled in, a 完成情况 drop-down,\n" +
        'the 存在问题 cell printed with the five category prompts, A4 landscape. Unless --blank, it\n' +
        "carries the unit's answers of the week before, read from the database ($DATABASE_URL) when\n" +
        'there is one.\n\nExit codes: 0 written; 1 usage error or invalid schedule.',
    )
    .action(async (opts: TemplateOptions) => {
      const { io } = ctx;
      const week = parseWeek(opts.week, ctx, 'template');
      if (week === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const unit = schedule.units.find((u) => u.id === opts.unit);
      if (!unit) {
        io.err(
          `duban template: --unit: no unit "${opts.unit}" in the schedule (units: ${schedule.units.map((u) => u.id).join(', ')}).`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const projects = projectsLedBy(schedule, unit.id);
      const { previous, items } = opts.blank
        ? { previous: null, items: [] }
        : await fromDatabase(io, schedule, unit.id, week);
      if (projects.length === 0 && items.length === 0) {
        io.err(
          `duban template: unit "${unit.id}" (${unit.name}) leads no project in the schedule and has no open agreed item.`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const out = path.resolve(io.cwd, opts.out ?? `问题清单-${unit.id}-${week}.xlsx`);
      const bytes = await writeTemplate({
        schedule,
        unitId: unit.id,
        week,
        statusColumn: true,
        previous,
        items,
      });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, bytes);
      const targets = projects.reduce((n, p) => n + p.targets.length, 0);
      io.out(
        `${out}: ${unit.name}, week ${week}, ${projects.length} project(s), ${targets} target(s)` +
          (items.length > 0 ? `, ${items.length} open agreed item(s)` : '') +
          (previous ? `, pre-filled with the answers of week ${previous.week}` : ''),
      );
      ctx.setExit(EXIT.OK);
    });
}

interface FromDatabase {
  previous: PreviousAnswers | null;
  /** The unit's open agreed items with its last answers (the sheet 议定事项落实情况). */
  items: TemplateItem[];
}

/**
 * Last week's answers and the unit's open agreed items, when there is a database to read them
 * from. The template is useful without them, so no database (the SQLite file does not exist:
 * nothing is created), an unreachable one or an unmigrated one only costs a note on stderr.
 */
async function fromDatabase(
  io: CliIO,
  schedule: Schedule,
  unitId: string,
  week: string,
): Promise<FromDatabase> {
  const none: FromDatabase = { previous: null, items: [] };
  let url;
  let location;
  try {
    url = databaseUrlFromEnv(io.env, io.cwd);
    location = parseDatabaseUrl(url, io.cwd);
  } catch (err) {
    io.err(
      `duban template: note: ${(err as Error).message} Writing the sheet without last week's answers.`,
    );
    return none;
  }
  if (
    location.dialect === 'sqlite' &&
    location.file !== ':memory:' &&
    !fs.existsSync(location.file)
  ) {
    return none;
  }
  let db;
  try {
    // Read-only: a database nobody migrated costs the note below, and is left as it is.
    db = await openDatabaseFor(url, 'read', { cwd: io.cwd });
  } catch (err) {
    io.err(
      `duban template: note: ${(err as Error).message} Writing the sheet without last week's answers.`,
    );
    return none;
  }
  try {
    let previous: PreviousAnswers | null = null;
    try {
      previous = await loadPreviousAnswers(weekReadsOver(db), schedule, unitId, week);
    } catch (err) {
      io.err(
        `duban template: note: last week's answers could not be read (${(err as Error).message}); the sheet is written without them.`,
      );
    }
    let items: TemplateItem[] = [];
    try {
      items = await templateItemsFor(decisionStoreOver(db), unitId);
    } catch (err) {
      io.err(
        `duban template: note: the unit's agreed items could not be read (${(err as Error).message}); the sheet is written without them.`,
      );
    }
    return { previous, items };
  } finally {
    await db.close();
  }
}

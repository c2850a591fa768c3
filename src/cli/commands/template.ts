import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { projectsLedBy, writeTemplate } from '../../adapters/excel/template';
import { checkWeek } from '../../domain/week';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../main';
import { loadScheduleOrReport } from './config';

export function registerTemplateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('template')
    .description("Write a lead unit's weekly issue sheet (问题清单), pre-filled from the schedule")
    .requiredOption('--unit <unit-id>', 'the lead unit, by its id in the schedule (e.g. jiaoyu)')
    .requiredOption('--week <YYYY-MM-DD>', 'the reporting week, named by its Monday')
    .option('-o, --out <FILE>', 'where to write the .xlsx (default: 问题清单-<unit>-<week>.xlsx)')
    .option('--config <FILE>', 'the schedule YAML')
    .addHelpText(
      'after',
      '\nThe sheet has the official layout of the notice: title rows, the nine-column header, one row\n' +
        "per target with the unit's projects, targets and due dates filled in, the 存在问题 cell\n" +
        'printed with the five category prompts, A4 landscape.\n\nExit codes: 0 written; 1 usage error or invalid schedule.',
    )
    .action(async (opts: { unit: string; week: string; out?: string; config?: string }) => {
      const { io } = ctx;
      const week = checkWeek(opts.week);
      if (!week.ok) {
        io.err(`duban template: --week: ${week.message}`);
        return ctx.setExit(EXIT.USAGE);
      }
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
      if (projects.length === 0) {
        io.err(
          `duban template: unit "${unit.id}" (${unit.name}) leads no project in the schedule.`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const out = path.resolve(io.cwd, opts.out ?? `问题清单-${unit.id}-${week.week}.xlsx`);
      const bytes = await writeTemplate({ schedule, unitId: unit.id, week: week.week });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, bytes);
      const targets = projects.reduce((n, p) => n + p.targets.length, 0);
      io.out(
        `${out}: ${unit.name}, week ${week.week}, ${projects.length} project(s), ${targets} target(s)`,
      );
      ctx.setExit(EXIT.OK);
    });
}

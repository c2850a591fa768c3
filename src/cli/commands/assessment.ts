import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { writeAssessmentWorkbook } from '../../adapters/excel/assessment-workbook';
import { buildAssessment } from '../../app/assessment/build';
import { assessmentDepsOver } from '../../compose/assessment';
import { ASSESSMENT_FACT_NAMES as FACT_NAMES } from '../../domain/assessment/fact-names';
import { checkPeriod } from '../../domain/assessment/period';
import type { AssessmentRecord } from '../../domain/assessment/types';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow, withDatabase } from './common';

interface AssessmentOptions {
  from: string;
  to: string;
  o?: string;
  json?: boolean;
  config?: string;
  now?: string;
}

/** Short English column heads for the terminal table (the workbook has the zh-CN ones). */
const HEADS: Record<(typeof FACT_NAMES)[number], string> = {
  weeksExpected: 'weeks',
  onTime: 'onTime',
  late: 'late',
  missing: 'missing',
  notUsable: 'unusable',
  correctionsRequested: 'corrections',
  reminders: 'reminders',
  escalations: 'escalations',
  targetsDue: 'targetsDue',
  targetsMetOnTime: 'targetsMet',
  targetsOverdue: 'targetsOverdue',
  itemsAssigned: 'items',
  itemsClosedOnTime: 'closedOnTime',
  itemsClosedLate: 'closedLate',
  itemsOpen: 'open',
  itemsOverdue: 'overdue',
  noticesBlue: 'blue',
  noticesYellow: 'yellow',
  noticesRed: 'red',
};

function table(record: AssessmentRecord): string[] {
  const scored = record.units.some((u) => u.score !== undefined);
  const heads = ['unit', ...FACT_NAMES.map((n) => HEADS[n]), ...(scored ? ['score'] : [])];
  const rows = record.units.map((u) => [
    u.unit,
    ...FACT_NAMES.map((n) => String(u[n])),
    ...(scored ? [String(u.score?.value ?? '')] : []),
  ]);
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  const out = [`assessment ${record.from} to ${record.to}`, line(heads), ...rows.map(line)];
  if (scored) {
    out.push('score formulas:');
    for (const u of record.units) out.push(`  ${u.unit}: ${u.score?.formula ?? ''}`);
  }
  return out;
}

export function registerAssessmentCommand(program: Command, ctx: CommandContext): void {
  program
    .command('assessment')
    .description(
      "The assessment record (考评): each unit's facts over a period, as JSON, a table or a workbook",
    )
    .requiredOption('--from <YYYY-MM-DD>', 'the first day of the period')
    .requiredOption('--to <YYYY-MM-DD>', 'the last day of the period (included)')
    .option('-o <FILE.xlsx>', 'write the workbook (sheets 考评记录 and 指标说明) to this file')
    .option('--json', 'print { from, to, units: [facts] } (documented in the README)')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      "\nFacts only; each one is defined in the workbook's sheet 指标说明 and on the console page\n" +
        '/assessment. A score (with its formula) appears only when the schedule sets\n' +
        'assessment.weights.\n\nExit codes: 0 shown; 1 usage or configuration error, or the file could not be written;\n' +
        '69 database unavailable.',
    )
    .action(async (opts: AssessmentOptions) => {
      const { io } = ctx;
      const period = checkPeriod(opts.from, opts.to);
      if (!period.ok) {
        io.err(`duban assessment: --${period.field}: ${period.message}.`);
        return ctx.setExit(EXIT.USAGE);
      }
      if (opts.o !== undefined && !/\.xlsx$/i.test(opts.o)) {
        io.err(`duban assessment: -o: "${opts.o}" must name an .xlsx file.`);
        return ctx.setExit(EXIT.USAGE);
      }
      const parsedNow = parseNow(opts.now, ctx);
      if (parsedNow === undefined) return;
      const now = parsedNow ?? new Date();
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await withDatabase(ctx, 'assessment', async (db) => {
        let record: AssessmentRecord;
        try {
          record = await buildAssessment(assessmentDepsOver(db), {
            schedule,
            from: period.from,
            to: period.to,
            now,
          });
        } catch (err) {
          return exitForError(err, ctx, 'assessment');
        }
        if (opts.o !== undefined) {
          const file = path.resolve(io.cwd, opts.o);
          const bytes = await writeAssessmentWorkbook({
            record,
            unitNames: new Map(schedule.units.map((u) => [u.id, u.name])),
            programme: schedule.programme.name,
          });
          try {
            fs.writeFileSync(file, bytes);
          } catch (err) {
            io.err(
              `duban assessment: cannot write ${opts.o}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
            );
            return ctx.setExit(EXIT.USAGE);
          }
        }
        if (opts.json) io.out(JSON.stringify(record, null, 2));
        else {
          for (const l of table(record)) io.out(l);
          if (opts.o !== undefined) io.out(`wrote ${opts.o}`);
        }
        ctx.setExit(EXIT.OK);
      });
    });
}

import type { Command } from 'commander';
import { openDatabase } from '../../adapters/storage';
import { weekReadsOver } from '../../compose/week-deps';
import { deadlineOf, isoWithOffset, hasHolidayList } from '../../domain/calendar';
import { weekStatus } from '../../domain/week-status';
import { checkWeek } from '../../domain/week';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow } from './common';

export function registerStatusCommand(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description("A reporting week's deadline and each lead unit's state, submission and reminders")
    .requiredOption('--week <YYYY-MM-DD>', 'the reporting week, named by its Monday')
    .option('--json', 'print one JSON object (documented in the README)')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      '\nStates: on_time, late, missing, invalid (only unusable files), not_expected (outside the\n' +
        "programme's active period).\n\nExit codes: 0 shown; 1 usage or configuration error; 69 database unavailable.",
    )
    .action(async (opts: { week: string; json?: boolean; config?: string; now?: string }) => {
      const { io } = ctx;
      const week = checkWeek(opts.week);
      if (!week.ok) {
        io.err(`duban status: --week: ${week.message}`);
        return ctx.setExit(EXIT.USAGE);
      }
      if (parseNow(opts.now, ctx) === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const year = Number(week.week.slice(0, 4));
      if (!hasHolidayList(year, schedule)) {
        io.err(
          `duban status: warning: the schedule's calendar has no holiday list for ${year}; only weekends are non-working days.`,
        );
      }
      let db;
      try {
        db = await openDatabase(io.env.DATABASE_URL, { cwd: io.cwd });
      } catch (err) {
        return exitForError(err, ctx, 'status');
      }
      try {
        const reads = weekReadsOver(db);
        const facts = await reads.submissionFacts(week.week);
        const digest = await reads.digestSentAt(week.week);
        const sent = await reads.remindersSent(week.week);
        const tz = schedule.programme.timezone;
        const deadline = deadlineOf(week.week, schedule);
        const units = weekStatus(schedule, week.week, facts, digest).map((s) => ({
          unit: s.unit,
          state: s.state,
          submittedAt: s.submittedAt ? isoWithOffset(s.submittedAt, tz) : null,
          submissionId: s.submissionId === null ? null : String(s.submissionId),
          reminders: sent.filter((r) => r.unitId === s.unit).map((r) => r.stage),
        }));
        const report = { week: week.week, deadline: isoWithOffset(deadline.at, tz), units };
        if (opts.json) io.out(JSON.stringify(report, null, 2));
        else {
          io.out(
            `week ${report.week}: deadline ${report.deadline}${deadline.shifted ? ` (moved from ${deadline.nominalDate} by the holiday rule)` : ''}`,
          );
          for (const u of units) {
            io.out(
              `  ${u.unit.padEnd(10)} ${u.state.padEnd(13)} ${u.submittedAt ?? '-'}${u.submissionId ? `  #${u.submissionId}` : ''}${u.reminders.length ? `  reminded: ${u.reminders.join(', ')}` : ''}`,
            );
          }
        }
        ctx.setExit(EXIT.OK);
      } finally {
        await db.close();
      }
    });
}

import type { Command } from 'commander';
import { weekReadsOver } from '../../compose/week-deps';
import { deadlineOf, isoWithOffset } from '../../domain/calendar';
import { oneLine } from '../../domain/one-line';
import { weekStatus } from '../../domain/week-status';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { parseNow, parseWeek, warnWithoutHolidayList, withDatabase } from './common';

export function registerStatusCommand(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description(
      "A reporting week's deadline and each expected unit's state (lead units and units with an open agreed item), submission and reminders",
    )
    .requiredOption('--week <YYYY-MM-DD>', 'the reporting week, named by its Monday')
    .option('--json', 'print one JSON object (documented in the README)')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      '\nStates: on_time, late, missing, invalid (mail received, nothing usable: its reason, e.g.\n' +
        'CLOUD_LINK for a large-attachment link, and the links are shown), not_expected (outside the\n' +
        "programme's active period).\n\nExit codes: 0 shown; 1 usage or configuration error; 69 database unavailable.",
    )
    .action(async (opts: { week: string; json?: boolean; config?: string; now?: string }) => {
      const { io } = ctx;
      const week = parseWeek(opts.week, ctx, 'status');
      if (week === undefined) return;
      if (parseNow(opts.now, ctx) === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      warnWithoutHolidayList(week, schedule, ctx, 'status');
      await withDatabase(ctx, 'status', async (db) => {
        const reads = weekReadsOver(db);
        const facts = await reads.submissionFacts(week);
        const digest = await reads.digestSentAt(week);
        const sent = await reads.remindersSent(week);
        const tz = schedule.programme.timezone;
        const deadline = deadlineOf(week, schedule);
        const itemUnits = await reads.unitsWithOpenItems(week);
        const units = weekStatus(schedule, week, facts, digest, itemUnits).map((s) => ({
          unit: s.unit,
          state: s.state,
          submittedAt: s.submittedAt ? isoWithOffset(s.submittedAt, tz) : null,
          submissionId: s.submissionId === null ? null : String(s.submissionId),
          reminders: sent.filter((r) => r.unitId === s.unit).map((r) => r.stage),
          // Why an invalid unit's mail could not be used (an error code), and the
          // large-attachment links it sent instead of the file; null and [] otherwise.
          reason: s.unusable?.reason ?? null,
          cloudLinks: (s.unusable?.cloudLinks ?? []).map((l) => ({
            provider: l.provider,
            filename: l.filename,
            url: l.url,
          })),
        }));
        const report = { week, deadline: isoWithOffset(deadline.at, tz), units };
        if (opts.json) io.out(JSON.stringify(report, null, 2));
        else {
          io.out(
            `week ${report.week}: deadline ${report.deadline}${deadline.shifted ? ` (moved from ${deadline.nominalDate} by the holiday rule)` : ''}`,
          );
          for (const u of units) {
            io.out(
              `  ${u.unit.padEnd(10)} ${u.state.padEnd(13)} ${u.submittedAt ?? '-'}${u.submissionId ? `  #${u.submissionId}` : ''}${u.reminders.length ? `  reminded: ${u.reminders.join(', ')}` : ''}${u.reason ? `  not usable: ${u.reason}` : ''}`,
            );
            for (const l of u.cloudLinks) {
              io.out(
                `             link (not fetched): ${oneLine(l.filename ?? '(no file name)', 80)}  ${oneLine(l.url, 300)}`,
              );
            }
          }
        }
        ctx.setExit(EXIT.OK);
      });
    });
}

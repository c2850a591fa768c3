import type { Command } from 'commander';
import { previewReminders, sendDueReminders, type SendRemindersResult } from '../../app/reminders';
import { reminderDeps, reminderPreviewDepsOver } from '../../compose/week-deps';
import { smtpConfigFromEnv } from '../../config/env/smtp';
import { isoWithOffset } from '../../domain/calendar';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow, parseWeek, withDatabase, withRuntime } from './common';

interface RemindOptions {
  week?: string;
  dryRun?: boolean;
  json?: boolean;
  config?: string;
  now?: string;
}

export function registerRemindCommand(program: Command, ctx: CommandContext): void {
  program
    .command('remind')
    .description('Send the reminders due now (提醒, 逾期, 督办), or show them with --dry-run')
    .option('--week <YYYY-MM-DD>', 'only this reporting week (default: the weeks around now)')
    .option('--dry-run', 'show what would go out now and to whom; send nothing')
    .option('--json', 'print one JSON object')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      '\nA stage is due from its moment until 24 hours later, for each lead unit without a usable\n' +
        'sheet; each reminder is sent once (reminder:<week>:<unit>:<stage>), so running this twice\n' +
        'sends nothing new. The service runs the same thing at every stage time.\n\n' +
        'Exit codes: 0 done; 1 usage or configuration error; 69 database unavailable.',
    )
    .action(async (opts: RemindOptions) => {
      const { io } = ctx;
      let weeks: string[] | undefined;
      if (opts.week !== undefined) {
        const week = parseWeek(opts.week, ctx, 'remind');
        if (week === undefined) return;
        weeks = [week];
      }
      const given = parseNow(opts.now, ctx);
      if (given === undefined) return;
      const now = given ?? new Date();
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;

      let result: SendRemindersResult | undefined;
      if (opts.dryRun) {
        await withDatabase(ctx, 'remind', async (db) => {
          try {
            const { from } = smtpConfigFromEnv(io.env, {
              mailbox: schedule.programme.mailbox,
              cwd: io.cwd,
            });
            result = await previewReminders(
              reminderPreviewDepsOver(db, schedule, from),
              now,
              weeks ? { weeks } : {},
            );
          } catch (err) {
            exitForError(err, ctx, 'remind');
          }
        });
      } else {
        await withRuntime(
          ctx,
          'remind',
          schedule,
          async (runtime) => {
            result = await sendDueReminders(reminderDeps(runtime), now, weeks ? { weeks } : {});
          },
          () => now,
          // An empty database would make every unit look missing: no reminder from one.
          'existing',
        );
      }
      // Undefined when the database or the runtime failed (already reported).
      if (result === undefined) return;
      io.out(
        opts.json
          ? JSON.stringify(toJson(result, now, schedule.programme.timezone), null, 2)
          : describe(result, now, schedule.programme.timezone, opts.dryRun === true),
      );
      ctx.setExit(EXIT.OK);
    });
}

function toJson(result: SendRemindersResult, now: Date, tz: string): unknown {
  return {
    now: isoWithOffset(now, tz),
    weeks: result.plans.map((p) => ({
      week: p.ladder.week,
      deadline: isoWithOffset(p.ladder.deadline.at, tz),
      stages: p.ladder.stages.map((s) => ({
        id: s.stage.id,
        at: isoWithOffset(s.at, tz),
        tone: s.tone,
        movedFrom: s.moved ? s.nominalDay : null,
        skipped: s.skipped,
      })),
      held: p.held,
    })),
    reminders: result.reminders.map((r) => ({ ...r, dueAt: isoWithOffset(new Date(r.dueAt), tz) })),
  };
}

function describe(result: SendRemindersResult, now: Date, tz: string, dryRun: boolean): string {
  const lines: string[] = [];
  for (const p of result.plans) {
    const d = p.ladder.deadline;
    lines.push(
      `week ${p.ladder.week}: deadline ${isoWithOffset(d.at, tz)}${d.shifted ? ` (moved from ${d.nominalDate} by the holiday rule)` : ''}`,
    );
    for (const s of p.ladder.stages) {
      const notes = [
        s.moved ? `moved from ${s.nominalDay}: not a working day` : '',
        s.skipped === 'overtaken' ? 'skipped this week: overtaken by a later stage' : '',
      ].filter(Boolean);
      lines.push(
        `  ${s.stage.id.padEnd(12)} ${isoWithOffset(s.at, tz)}  ${s.tone}${notes.length ? `  (${notes.join('; ')})` : ''}`,
      );
    }
    for (const h of p.held) lines.push(`  held: ${h.stage} for ${h.unitId}: no recipient`);
  }
  const n = result.reminders.length;
  lines.push(
    n === 0
      ? `at ${isoWithOffset(now, tz)}: no reminder is due`
      : `at ${isoWithOffset(now, tz)}: ${n} reminder(s) ${dryRun ? 'would go out' : 'handled'}:`,
  );
  for (const r of result.reminders) {
    lines.push(
      `  ${r.week} ${r.stage.padEnd(12)} ${r.unitId.padEnd(10)} to ${r.to.join(', ')}${r.cc.length ? ` cc ${r.cc.join(', ')}` : ''}${dryRun ? '' : `  [${r.outcome}]`}`,
    );
    lines.push(`      ${r.subject}`);
  }
  return lines.join('\n');
}

import type { Command } from 'commander';
import { runFollowUp, type FollowUpReport } from '../../app/decisions/follow-up';
import { followUpDeps, followUpPreviewDepsOver } from '../../compose/follow-up-deps';
import { smtpConfigFromEnv } from '../../config/env/smtp';
import { isoWithOffset } from '../../domain/calendar';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { cliLogger, exitForError, parseNow, withDatabase, withRuntime } from './common';

interface FollowUpOptions {
  dryRun?: boolean;
  json?: boolean;
  config?: string;
  now?: string;
}

export function registerFollowUpCommand(program: Command, ctx: CommandContext): void {
  program
    .command('follow-up')
    .description(
      'Send the agreed items’ notices due now (交办, blue / yellow / red 督办单, departments’ list), or show them with --dry-run',
    )
    .option('--dry-run', 'show what would go out now and to whom; send nothing')
    .option('--json', 'print one JSON object')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      '\nEach notice is sent once by its key (assignment:<meeting>:<unit>:<hash>,\n' +
        'notice:<item>:<colour>:<unit>, departments:<week>:<unit>), so running this twice sends\n' +
        'nothing new. Nothing goes out on a non-working day unless the calendar allows it.\n' +
        'The service runs the same thing daily at follow_up.time.\n\n' +
        'Exit codes: 0 done; 1 usage or configuration error; 69 database unavailable.',
    )
    .action(async (opts: FollowUpOptions) => {
      const { io } = ctx;
      const given = parseNow(opts.now, ctx);
      if (given === undefined) return;
      const now = given ?? new Date();
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;

      let result: FollowUpReport | undefined;
      if (opts.dryRun) {
        await withDatabase(ctx, 'follow-up', async (db) => {
          try {
            const { from } = smtpConfigFromEnv(io.env, {
              mailbox: schedule.programme.mailbox,
              cwd: io.cwd,
            });
            result = await runFollowUp(
              followUpPreviewDepsOver(db, schedule, from, cliLogger(io.env.LOG_LEVEL)),
              now,
              { dryRun: true },
            );
          } catch (err) {
            exitForError(err, ctx, 'follow-up');
          }
        });
      } else {
        await withRuntime(
          ctx,
          'follow-up',
          schedule,
          async (runtime) => {
            result = await runFollowUp(followUpDeps(runtime), now);
          },
          () => now,
          'existing',
        );
      }
      if (result === undefined) return;
      const tz = schedule.programme.timezone;
      io.out(
        opts.json
          ? JSON.stringify({ now: isoWithOffset(now, tz), ...result }, null, 2)
          : describe(result, isoWithOffset(now, tz), opts.dryRun === true),
      );
      ctx.setExit(EXIT.OK);
    });
}

function describe(result: FollowUpReport, at: string, dryRun: boolean): string {
  const n = result.mails.length;
  const lines = [
    n === 0
      ? `at ${at}: no follow-up mail is due`
      : `at ${at}: ${n} follow-up mail(s) ${dryRun ? 'would go out' : 'handled'}:`,
  ];
  for (const m of result.mails) {
    lines.push(
      `  ${m.kind.padEnd(11)} ${(m.colour ?? '').padEnd(6)} ${m.unitId.padEnd(10)} to ${m.to.join(', ')}${m.cc.length ? ` cc ${m.cc.join(', ')}` : ''}${dryRun ? '' : `  [${m.outcome}]`}`,
    );
    lines.push(`      ${m.subject}`);
  }
  if (result.unmatchedDepartments.length > 0) {
    lines.push(`department names matching no unit: ${result.unmatchedDepartments.join('、')}`);
  }
  return lines.join('\n');
}

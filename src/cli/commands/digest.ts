import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import { buildDigest, sendDigest, type DigestSendResult } from '../../app/digest';
import type { Runtime } from '../../compose/runtime';
import { digestBuildDepsOver, digestSendDepsOver } from '../../compose/week-deps';
import { deadlineOf, isoWithOffset } from '../../domain/calendar';
import type { DigestModel } from '../../domain/digest';
import { isExpectedWeek } from '../../domain/week-status';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import {
  exitForError,
  parseNow,
  parseWeek,
  warnWithoutHolidayList,
  withDatabase,
  withRuntime,
} from './common';

interface DigestOptions {
  week: string;
  out: string;
  send?: boolean;
  now?: string;
  config?: string;
}

export function registerDigestCommand(program: Command, ctx: CommandContext): void {
  program
    .command('digest')
    .description(
      "Writes a week's digest for the convenors (digest.html, digest.txt, digest.xlsx); --send mails it",
    )
    .requiredOption('--week <YYYY-MM-DD>', 'the reporting week, named by its Monday')
    .requiredOption('--out <DIR>', 'where to write digest.html, digest.txt and digest.xlsx')
    .option('--send', "also send it to cycle.digest's audiences (a new version each time)")
    .option('--now <ISO>', 'build as if it were this moment')
    .option('--config <FILE>', 'the schedule YAML')
    .addHelpText(
      'after',
      '\nWithout --send nothing is sent: the files are the preview of what --send would send now.\n' +
        'Each --send makes a new version (digest:<week>:v<n>; version 2 on is labelled 更新版),\n' +
        'except that a version queued and not sent yet (interrupted, or the SMTP server asked to\n' +
        'retry) is sent as it was composed. Mail goes through the configured SMTP server, or into\n' +
        'the file outbox (./data/outbox) when none is configured.\n\n' +
        'Exit codes: 0 written (and sent); 1 usage or configuration error, or the mail was refused\n' +
        'for good; 69 database unavailable, or the mail could not be sent now (run again to retry).',
    )
    .action(async (opts: DigestOptions) => {
      const { io } = ctx;
      const week = parseWeek(opts.week, ctx, 'digest');
      if (week === undefined) return;
      const parsedNow = parseNow(opts.now, ctx);
      if (parsedNow === undefined) return;
      const now = parsedNow ?? new Date();
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      warnWithoutHolidayList(week, schedule, ctx, 'digest');
      const expected = isExpectedWeek(week, schedule);
      if (opts.send && !expected) {
        io.err(
          `duban digest: week ${week} is outside the programme's active period (no sheets are expected); nothing sent.`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const outDir = path.resolve(io.cwd, opts.out);
      try {
        fs.mkdirSync(outDir, { recursive: true });
      } catch (err) {
        io.err(
          `duban digest: cannot create ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const write = (mail: Pick<OutgoingMail, 'html' | 'text' | 'attachments'>): string[] => {
        const files: Array<[string, string | Uint8Array]> = [
          ['digest.html', mail.html ?? ''],
          ['digest.txt', mail.text],
          ['digest.xlsx', mail.attachments[0]?.content ?? new Uint8Array()],
        ];
        // A province-scale digest's body is compact; every project is in the attached full HTML.
        const full = mail.attachments.find((a) => a.filename.endsWith('.html'));
        if (full) files.push(['digest-full.html', full.content]);
        return files.map(([name, content]) => {
          const file = path.join(outDir, name);
          fs.writeFileSync(file, content);
          const shown = path.relative(io.cwd, file);
          return shown.startsWith('..') || path.isAbsolute(shown) ? file : shown;
        });
      };

      const report = (m: DigestModel, files: string[]): void => {
        const s = m.summary;
        io.out(`week ${m.week}: ${m.subject}`);
        io.out(`  wrote ${files.join(', ')}`);
        io.out(
          `  units: ${s.onTime} on time, ${s.late} late, ${s.missing} missing, ${s.invalid} invalid` +
            `${s.pending ? `, ${s.pending} not yet due` : ''}; targets: ${s.overdueTargets} overdue,` +
            ` ${s.dueSoonTargets} due within 7 days; problems: ${s.openProblems} (${s.newProblems} new,` +
            ` ${s.changedProblems} changed, ${s.stuckProblems} unchanged for 3 weeks or more)`,
        );
      };

      if (!opts.send) {
        return withDatabase(ctx, 'digest', async (db) => {
          try {
            const built = await buildDigest(digestBuildDepsOver(db), schedule, week, now);
            const files = write({
              html: built.html,
              text: built.text,
              attachments: [
                { filename: built.attachmentName, contentType: '', content: built.xlsx },
                ...(built.fullHtml === null
                  ? []
                  : [
                      {
                        filename: built.fullHtmlName,
                        contentType: 'text/html',
                        content: Buffer.from(built.fullHtml),
                      },
                    ]),
              ],
            });
            report(built.model, files);
            io.out(`  not sent (preview of version ${built.version}; add --send to send it)`);
            ctx.setExit(EXIT.OK);
          } catch (err) {
            exitForError(err, ctx, 'digest');
          }
        });
      }

      const deadline = deadlineOf(week, schedule);
      if (now.getTime() < deadline.at.getTime()) {
        io.err(
          `duban digest: warning: the week's deadline (${isoWithOffset(deadline.at, schedule.programme.timezone)}) has not passed yet.`,
        );
      }
      const send = async (runtime: Runtime): Promise<void> => {
        const result = await sendDigest(
          digestSendDepsOver({
            ...runtime.deliverDeps(),
            schedule,
            from: runtime.mail.from,
            claimedBy: `${runtime.workerName}:digest`,
          }),
          week,
        );
        const files = write(result.mail);
        if (result.model) report(result.model, files);
        else io.out(`week ${week}: ${result.mail.subject}\n  wrote ${files.join(', ')}`);
        io.out(describeSend(result));
        ctx.setExit(exitFor(result.outcome));
      };
      await withRuntime(
        ctx,
        'digest',
        schedule,
        async (runtime) => {
          try {
            await send(runtime);
          } catch (err) {
            exitForError(err, ctx, 'digest');
          }
        },
        () => now,
        // An empty database would make every unit look missing: no digest from one.
        'existing',
      );
    });
}

function describeSend(r: DigestSendResult): string {
  const to = r.mail.to.length;
  const cc = r.mail.cc.length;
  const what = r.retried ? 'the queued version, as composed' : 'a new version';
  const why: Record<DigestSendResult['outcome'], string> = {
    sent: 'sent',
    already_sent: 'already sent before: nothing sent again',
    claimed_elsewhere:
      'another attempt holds this version (is a duban process sending it? if none is, look at outgoing_mails)',
    retry: 'not sent now (temporary SMTP failure); run again to retry this version',
    failed: 'refused for good (see outgoing_mails.error); fix the cause and send again',
    capped: 'not sent: over the daily cap',
    missing: 'not found in the queue',
  };
  return `  ${r.key} (${what}) to ${to} (cc ${cc}): ${why[r.outcome]}`;
}

function exitFor(outcome: DigestSendResult['outcome']): number {
  switch (outcome) {
    case 'sent':
    case 'already_sent':
      return EXIT.OK;
    case 'retry':
    case 'claimed_elsewhere':
      return EXIT.UNAVAILABLE;
    default:
      return EXIT.USAGE;
  }
}

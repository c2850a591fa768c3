import * as os from 'node:os';
import type { Command } from 'commander';
import { quarantinedMessages } from '../../adapters/storage';
import { StorageOfficeReads } from '../../adapters/storage/office-reads';
import { releaseMessage } from '../../app/console/release-message';
import { messagePreviewer } from '../../compose/message-preview';
import type { Runtime } from '../../compose/runtime';
import type { Schedule } from '../../config/schedule';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import type { DatabaseUse } from '../../adapters/storage';
import { withRuntime } from './common';
import { progressFor } from '../progress';

/** Lists shorter than this are read without progress. */
const PROGRESS_FROM = 50;

/** The runtime over the schedule of --config, for `fn`; nothing runs when either fails. */
async function withScheduleRuntime(
  ctx: CommandContext,
  configFlag: string | undefined,
  command: string,
  fn: (runtime: Runtime, schedule: Schedule) => Promise<void>,
  database: DatabaseUse,
): Promise<void> {
  const schedule = await loadScheduleOrReport(configFlag, ctx);
  if (!schedule) return;
  await withRuntime(
    ctx,
    command,
    schedule,
    (runtime) => fn(runtime, schedule),
    undefined,
    database,
  );
}

export function registerQuarantineCommands(program: Command, ctx: CommandContext): void {
  const q = program
    .command('quarantine')
    .description('Messages held back for the office: unknown senders, failed DMARC checks');

  q.command('list')
    .description('List quarantined messages, newest first')
    .option('--json', 'print a JSON array')
    .option('--config <FILE>', 'the schedule YAML')
    .addHelpText('after', '\nExit codes: 0 listed; 1 configuration error; 69 database unavailable.')
    .action(async (opts: { json?: boolean; config?: string }) => {
      await withScheduleRuntime(
        ctx,
        opts.config,
        'quarantine list',
        async (runtime) => {
          const rows = await quarantinedMessages(runtime.db);
          const preview = messagePreviewer(runtime.intakeDeps().settings.maxMessageBytes);
          const items = [];
          // Reading every message (and the archives in it) takes a while for a long list.
          const progress = progressFor({
            label: 'quarantine list',
            total: rows.length,
            atLeast: PROGRESS_FROM,
            stream: ctx.io.progress ?? { write: (t: string) => ctx.io.err(t), isTTY: false },
          });
          for (const r of rows) {
            const p = await preview(r.raw);
            progress.tick();
            items.push({
              id: r.id,
              receivedAt: r.internal_date ?? r.received_at,
              from: r.from_address,
              subject: r.subject,
              reason: r.outcome_reason,
              attachments: p.attachments,
              firstLines: p.firstLines,
              ...(p.unreadable ? { unreadable: p.unreadable } : {}),
            });
          }
          progress.done();
          if (opts.json) ctx.io.out(JSON.stringify(items, null, 2));
          else if (items.length === 0) ctx.io.out('No quarantined messages.');
          else {
            for (const i of items) {
              ctx.io.out(
                `#${i.id}  ${i.receivedAt}  ${i.from ?? '(no sender)'}  ${i.reason ?? ''}  ${i.subject ?? ''}`,
              );
              for (const a of i.attachments) {
                ctx.io.out(`    attachment ${a.filename} (${a.contentType}, ${a.size} bytes)`);
                for (const name of a.inner ?? []) ctx.io.out(`      inside: ${name}`);
              }
              if (i.firstLines) ctx.io.out(`    text: ${i.firstLines}`);
              if (i.unreadable) ctx.io.out(`    unreadable: ${i.unreadable}`);
            }
          }
          ctx.setExit(EXIT.OK);
        },
        'read',
      );
    });

  q.command('release')
    .description("Attribute a quarantined message to a unit and process it as that unit's mail")
    .argument('<ID>', 'the message id shown by `duban quarantine list`')
    .requiredOption('--unit <unit-id>', 'the unit the message belongs to')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--json', 'print the outcome as JSON (as duban ingest --json, with "release")')
    .option('--by <NAME>', 'who releases it, for the audit log (default: the OS user)')
    .addHelpText(
      'after',
      '\nThe answer (receipt or correction request) goes to the original sender, under the\n' +
        "release's own mail key release:<ID>:<n> (n counts the message's releases).\n" +
        'Exit codes: 0 processed; 1 no such quarantined message, unknown unit, or configuration error.',
    )
    .action(
      async (
        idText: string,
        opts: { unit: string; config?: string; json?: boolean; by?: string },
      ) => {
        await withScheduleRuntime(
          ctx,
          opts.config,
          'quarantine release',
          async (runtime) => {
            const id = Number(idText);
            const by = opts.by?.trim() || osUser();
            const office = new StorageOfficeReads(runtime.db);
            const result = Number.isInteger(id)
              ? await releaseMessage(
                  {
                    intake: runtime.intakeDeps(),
                    reads: office,
                    records: office,
                    claimedBy: runtime.workerName,
                  },
                  { rawMessageId: id, unitId: opts.unit, by },
                )
              : ({ ok: false, error: 'not_quarantined' } as const);
            if (!result.ok && result.error === 'not_quarantined') {
              ctx.io.err(`duban quarantine release: no quarantined message #${idText}.`);
              return ctx.setExit(EXIT.USAGE);
            }
            if (!result.ok) {
              ctx.io.err(
                `duban quarantine release: --unit: no unit "${opts.unit}" in the schedule.`,
              );
              return ctx.setExit(EXIT.USAGE);
            }
            const { outcome, release } = result;
            const { mailKeys: _keys, ...shown } = outcome;
            ctx.io.out(
              opts.json
                ? JSON.stringify({ ...shown, release }, null, 2)
                : `#${id}: ${shown.outcome} as ${opts.unit}, week ${shown.week}` +
                    (release.key
                      ? `; answer ${release.key} ${release.queued ? 'queued' : 'already queued'} (${release.status})`
                      : '; no answer'),
            );
            ctx.setExit(EXIT.OK);
          },
          'existing',
        );
      },
    );
}

/** The OS user running the command, for the audit log. */
function osUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

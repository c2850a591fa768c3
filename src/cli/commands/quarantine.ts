import type { Command } from 'commander';
import { audit, getRawMessage, quarantinedMessages } from '../../adapters/storage';
import { processMessage } from '../../app/intake/process-message';
import type { Runtime } from '../../compose/runtime';
import type { Schedule } from '../../config/schedule';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import type { DatabaseUse } from '../../adapters/storage';
import { withRuntime } from './common';

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
          const items = rows.map((r) => ({
            id: r.id,
            receivedAt: r.internal_date ?? r.received_at,
            from: r.from_address,
            subject: r.subject,
            reason: r.outcome_reason,
          }));
          if (opts.json) ctx.io.out(JSON.stringify(items, null, 2));
          else if (items.length === 0) ctx.io.out('No quarantined messages.');
          else {
            for (const i of items) {
              ctx.io.out(
                `#${i.id}  ${i.receivedAt}  ${i.from ?? '(no sender)'}  ${i.reason ?? ''}  ${i.subject ?? ''}`,
              );
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
    .option('--json', 'print the outcome as JSON (as duban ingest --json)')
    .addHelpText(
      'after',
      '\nThe answer (receipt or correction request) goes to the original sender.\n' +
        'Exit codes: 0 processed; 1 no such quarantined message, unknown unit, or configuration error.',
    )
    .action(async (idText: string, opts: { unit: string; config?: string; json?: boolean }) => {
      await withScheduleRuntime(
        ctx,
        opts.config,
        'quarantine release',
        async (runtime, schedule) => {
          const id = Number(idText);
          const row = Number.isInteger(id) ? await getRawMessage(runtime.db, id) : undefined;
          if (!row || row.outcome !== 'quarantined') {
            ctx.io.err(`duban quarantine release: no quarantined message #${idText}.`);
            return ctx.setExit(EXIT.USAGE);
          }
          if (!schedule.units.some((u) => u.id === opts.unit)) {
            ctx.io.err(`duban quarantine release: --unit: no unit "${opts.unit}" in the schedule.`);
            return ctx.setExit(EXIT.USAGE);
          }
          await audit(runtime.db, {
            event: 'message.released',
            actor: 'cli',
            rawMessageId: id,
            unitId: opts.unit,
            details: { reason: row.outcome_reason },
            now: runtime.now(),
          });
          const outcome = await processMessage(runtime.intakeDeps(), id, { unitId: opts.unit });
          for (const key of outcome.mailKeys) {
            await runtime.outbox.deliver(key, `${runtime.workerName}:release`);
          }
          const { mailKeys: _keys, ...shown } = outcome;
          ctx.io.out(
            opts.json
              ? JSON.stringify(shown, null, 2)
              : `#${id}: ${shown.outcome} as ${opts.unit}, week ${shown.week}`,
          );
          ctx.setExit(EXIT.OK);
        },
        'existing',
      );
    });
}

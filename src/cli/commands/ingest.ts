import * as path from 'node:path';
import type { Command } from 'commander';
import { storeRawMessage } from '../../adapters/storage';
import { processMessage, type IntakeOutcome } from '../../app/intake/process-message';
import { blankOutcome } from '../../app/intake/outcome';
import type { Runtime } from '../../compose/runtime';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { parseNow, readInputFile, withRuntime } from './common';

export function registerIngestCommand(program: Command, ctx: CommandContext): void {
  program
    .command('ingest')
    .description('Process a raw message file (.eml) exactly as if it had arrived in the mailbox')
    .argument('<FILE>', 'the message, as RFC 5322 bytes (.eml)')
    .option('--json', 'print one JSON object with the outcome (documented in the README)')
    .option('--config <FILE>', 'the schedule YAML')
    .option(
      '--now <ISO>',
      'process as if it were this moment (arrival falls back to the Date header)',
    )
    .option('--no-send', 'queue the replies but do not send them')
    .addHelpText(
      'after',
      '\nThe message is stored (raw bytes, SHA-256) before anything else; the same file ingested\n' +
        'twice is a duplicate. Replies go through the configured SMTP server, or into the file\n' +
        'outbox (./data/outbox) when none is configured.\n\n' +
        'Exit codes: 0 processed (whatever the outcome); 1 usage or configuration error;\n' +
        '69 database unavailable.',
    )
    .action(
      async (
        file: string,
        opts: { json?: boolean; config?: string; now?: string; send: boolean },
      ) => {
        const { io } = ctx;
        const now = parseNow(opts.now, ctx);
        if (now === undefined) return;
        const raw = readInputFile(file, ctx, 'ingest');
        if (raw === undefined) return;
        const schedule = await loadScheduleOrReport(opts.config, ctx);
        if (!schedule) return;
        const ingest = async (runtime: Runtime): Promise<void> => {
          const stored = await storeRawMessage(runtime.db, {
            raw,
            source: 'file',
            fileName: path.basename(file),
            receivedAt: runtime.now(),
          });
          let outcome: IntakeOutcome;
          if (!stored.isNew) {
            outcome = { ...blankOutcome(), outcome: 'duplicate', reason: 'DUPLICATE' };
          } else {
            outcome = await processMessage(runtime.intakeDeps(), stored.id);
            if (opts.send) {
              for (const key of outcome.mailKeys) {
                await runtime.outbox.deliver(key, `${runtime.workerName}:ingest`);
              }
            }
          }
          const { mailKeys: _keys, ...shown } = outcome;
          io.out(opts.json ? JSON.stringify(shown, null, 2) : describe(file, shown));
          ctx.setExit(EXIT.OK);
        };
        await withRuntime(ctx, 'ingest', schedule, ingest, () => now ?? new Date());
      },
    );
}

function describe(file: string, o: Omit<IntakeOutcome, 'mailKeys'>): string {
  const lines = [`${file}: ${o.outcome}${o.reason ? ` (${o.reason})` : ''}`];
  if (o.unit)
    lines.push(
      `  unit ${o.unit}, week ${o.week ?? '-'}${o.late ? ', late' : o.late === false ? ', on time' : ''}`,
    );
  for (const a of o.attachments)
    lines.push(
      `  attachment ${a.used ? 'used   ' : 'ignored'} ${a.filename} (${a.contentType}${a.size === undefined ? '' : `, ${a.size} bytes`})`,
    );
  if (o.submissionId !== null) lines.push(`  submission #${o.submissionId}`);
  for (const r of o.replies) lines.push(`  reply ${r.kind} to ${r.to.join(', ')}: ${r.subject}`);
  return lines.join('\n');
}

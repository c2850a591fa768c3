/**
 * `duban reprocess`: stored messages processed again through the intake (after a schedule fix,
 * a reader fix), chosen by reporting week, unit or id.
 *
 * A message already answered is not answered again: its answer key (reply:<id>, or the key of
 * its latest release or reprocess) is reused, and the outbox queues a key once. With --answer it
 * gets a new answer under reprocess:<id>:<n>, like a quarantine release. A message the office
 * released to a unit stays that unit's.
 */
import * as os from 'node:os';
import type { Command } from 'commander';
import {
  answersTo,
  audit,
  auditEntries,
  getMail,
  messagesToReprocess,
  type MessageToReprocess,
  type ReprocessSelection,
} from '../../adapters/storage';
import { processMessage } from '../../app/intake/process-message';
import { parseMailKey, replyKey, reprocessKey } from '../../domain/mail-key';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { createProgress } from '../progress';
import { loadScheduleOrReport } from './config';
import { parseNow, parseWeek, withRuntime } from './common';

interface ReprocessOptions {
  week?: string;
  unit?: string;
  id?: string;
  answer?: boolean;
  json?: boolean;
  config?: string;
  now?: string;
  by?: string;
}

/** What became of one message. */
export interface ReprocessedMessage {
  id: number;
  outcome: string | null;
  reason: string | null;
  unit: string | null;
  week: string | null;
  /** The key its answer is under (null: it has none). */
  answerKey: string | null;
  /** True when this run queued a new answer. */
  newAnswer: boolean;
  /** Why processing failed (the message is left as it was). */
  error?: string;
}

/** What `duban reprocess --json` prints. */
export interface ReprocessSummary {
  selection: ReprocessSelection;
  total: number;
  processed: number;
  failed: number;
  /** Messages by their new outcome (accepted, quarantined, …). */
  outcomes: Record<string, number>;
  newAnswers: number;
  messages: ReprocessedMessage[];
}

function parseIds(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim());
  const ids = parts.map(Number);
  return parts.length > 0 && ids.every((n) => Number.isInteger(n) && n > 0) ? ids : null;
}

export function registerReprocessCommand(program: Command, ctx: CommandContext): void {
  program
    .command('reprocess')
    .description(
      'Process stored messages again through the intake (e.g. after a schedule fix),\n' +
        'chosen by --week, --unit (both: the unit in that week) or --id. Shows progress on stderr.',
    )
    .option('--week <YYYY-MM-DD>', 'the messages whose reporting week is this Monday')
    .option('--unit <unit-id>', 'the messages from this unit')
    .option('--id <ids>', 'these stored messages, e.g. 1,2,3')
    .option(
      '--answer',
      'answer each message again, under a new key reprocess:<id>:<n> (default: a message already answered is not answered again)',
    )
    .option('--json', 'print the summary as JSON on stdout')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'process as if it were this time (with an offset)')
    .option('--by <NAME>', 'who reprocesses, for the audit log (default: the OS user)')
    .addHelpText(
      'after',
      '\nExit codes: 0 every message processed; 1 usage or configuration error, or a message failed;\n' +
        '69 database unavailable.',
    )
    .action(async (opts: ReprocessOptions) => {
      const selection: ReprocessSelection = {};
      if (opts.week !== undefined) {
        const week = parseWeek(opts.week, ctx, 'reprocess');
        if (week === undefined) return;
        selection.week = week;
      }
      if (opts.unit !== undefined) selection.unitId = opts.unit;
      if (opts.id !== undefined) {
        const ids = parseIds(opts.id);
        if (!ids) {
          ctx.io.err(`duban reprocess: --id "${opts.id}" is not a list of message ids like 1,2,3.`);
          return ctx.setExit(EXIT.USAGE);
        }
        selection.ids = ids;
      }
      if (Object.keys(selection).length === 0) {
        ctx.io.err('duban reprocess: say which messages: --week, --unit or --id.');
        return ctx.setExit(EXIT.USAGE);
      }
      const now = parseNow(opts.now, ctx);
      if (now === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      if (selection.unitId && !schedule.units.some((u) => u.id === selection.unitId)) {
        ctx.io.err(`duban reprocess: --unit: no unit "${selection.unitId}" in the schedule.`);
        return ctx.setExit(EXIT.USAGE);
      }
      const by = opts.by?.trim() || osUser();

      await withRuntime(
        ctx,
        'reprocess',
        schedule,
        async (runtime) => {
          const rows = await messagesToReprocess(runtime.db, selection);
          const progress = createProgress({
            label: 'reprocess',
            total: rows.length,
            stream: ctx.io.progress ?? { write: (t: string) => ctx.io.err(t), isTTY: false },
          });
          const summary: ReprocessSummary = {
            selection,
            total: rows.length,
            processed: 0,
            failed: 0,
            outcomes: {},
            newAnswers: 0,
            messages: [],
          };
          for (const row of rows) {
            summary.messages.push(await reprocessOne(row));
            progress.tick();
          }
          progress.done();

          async function reprocessOne(row: MessageToReprocess): Promise<ReprocessedMessage> {
            const { id, unitId } = row;
            const answers = await answersTo(runtime.db, id);
            const latest = answers[answers.length - 1];
            // The n of reprocess:<id>:<n> follows every earlier reprocess of the message (by the
            // console or this command, each in the audit log) and every such key: never one taken.
            const reprocessed = (
              await auditEntries(runtime.db, { event: 'message.reprocessed', rawMessageId: id })
            ).length;
            const lastN = Math.max(
              0,
              ...answers.map((a) => {
                const k = parseMailKey(a.key);
                return k?.kind === 'reprocess' ? k.reprocess : 0;
              }),
            );
            const sequence = Math.max(reprocessed, lastN) + 1;
            const key = opts.answer ? reprocessKey(id, sequence) : (latest?.key ?? replyKey(id));
            // The office's decision stands: a released message stays the unit's.
            const released =
              (await auditEntries(runtime.db, { event: 'message.released', rawMessageId: id }))
                .length > 0;
            const before = await getMail(runtime.db, key);
            try {
              const outcome = await processMessage(runtime.intakeDeps(), id, {
                answerKey: key,
                ...(released && unitId ? { unitId } : {}),
              });
              for (const k of outcome.mailKeys) {
                await runtime.outbox.deliver(k, `${runtime.workerName}:reprocess`);
              }
              const after = outcome.mailKeys.includes(key)
                ? await getMail(runtime.db, key)
                : undefined;
              const newAnswer = after !== undefined && before === undefined;
              summary.processed += 1;
              summary.outcomes[outcome.outcome] = (summary.outcomes[outcome.outcome] ?? 0) + 1;
              if (newAnswer) summary.newAnswers += 1;
              const answerKey = after ? key : (latest?.key ?? null);
              await audit(runtime.db, {
                event: 'message.reprocessed',
                actor: by,
                rawMessageId: id,
                unitId: outcome.unit,
                reportingWeek: outcome.week,
                submissionId: outcome.submissionId,
                details: {
                  by,
                  before: { outcome: row.outcome, reason: row.reason },
                  outcome: outcome.outcome,
                  reason: outcome.reason,
                  sequence: opts.answer ? sequence : null,
                  key: answerKey,
                  queued: newAnswer,
                },
                now: runtime.now(),
              });
              return {
                id,
                outcome: outcome.outcome,
                reason: outcome.reason,
                unit: outcome.unit,
                week: outcome.week,
                answerKey,
                newAnswer,
              };
            } catch (err) {
              summary.failed += 1;
              return {
                id,
                outcome: null,
                reason: null,
                unit: unitId,
                week: null,
                answerKey: latest?.key ?? null,
                newAnswer: false,
                error: err instanceof Error ? err.message : String(err),
              };
            }
          }

          if (opts.json) ctx.io.out(JSON.stringify(summary, null, 2));
          else {
            const counts = Object.entries(summary.outcomes)
              .map(([o, n]) => `${n} ${o}`)
              .join(', ');
            ctx.io.out(
              `reprocessed ${summary.processed} of ${summary.total} messages` +
                (counts ? ` (${counts})` : '') +
                `; ${summary.newAnswers} new answers; ${summary.failed} failed`,
            );
            for (const m of summary.messages.filter((x) => x.error)) {
              ctx.io.out(`#${m.id}: failed: ${m.error ?? ''}`);
            }
          }
          ctx.setExit(summary.failed > 0 ? EXIT.USAGE : EXIT.OK);
        },
        now === null ? undefined : () => now,
        'existing',
      );
    });
}

/** The OS user running the command, for the audit log. */
function osUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

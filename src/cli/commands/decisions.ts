/**
 * `duban decisions`: the joint meeting's agreed items (议定事项) from the command line — import a
 * meeting's list from a file, list the items with their state and colour, and the office's
 * decisions on one (close, send back with a note, reopen).
 */
import type { Command } from 'commander';
import { catalogOf } from '../../adapters/excel/read-sheet';
import { readIssueSheetSandboxed } from '../../adapters/excel/sandbox';
import { DocumentReader } from '../../adapters/formats/document-reader';
import { openDatabaseFor, type Db } from '../../adapters/storage';
import { decisionsList, type DecisionListEntry } from '../../app/decisions/list';
import { recordItemList, type ItemListImport } from '../../app/decisions/record-list';
import { closeItem, reopenItem, sendBackItem } from '../../app/decisions/state';
import { documentConverter } from '../../compose/converters';
import { decisionDepsOver, decisionMailDeps } from '../../compose/decision-deps';
import { databaseUrlFromEnv } from '../../config/env';
import type { Schedule } from '../../config/schedule';
import { mondayOf } from '../../domain/calendar';
import type { AgreedItem } from '../../domain/decisions/types';
import { DubanError } from '../../errors';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow, readInputFile, withDatabase, withRuntime } from './common';

/** Who did it, for the item's history: "cli", or "cli:<name>" with --by. */
function actor(by: string | undefined): string {
  const name = by?.trim();
  return name ? `cli:${name}` : 'cli';
}

/**
 * Runs `fn` over the database for a command that writes: it must be a duban database (pending
 * migrations are applied), as for the other commands that change what is stored.
 */
async function withExistingDatabase(
  ctx: CommandContext,
  command: string,
  fn: (db: Db) => Promise<void>,
): Promise<void> {
  let db: Db;
  try {
    db = await openDatabaseFor(databaseUrlFromEnv(ctx.io.env, ctx.io.cwd), 'existing', {
      cwd: ctx.io.cwd,
    });
  } catch (err) {
    return exitForError(err, ctx, command);
  }
  try {
    await fn(db);
  } catch (err) {
    // ITEM_NOT_FOUND, ITEM_STATE_CONFLICT …: one line, no stack.
    exitForError(err, ctx, command);
  } finally {
    await db.close();
  }
}

function stateLine(item: AgreedItem): string {
  const closed = item.closedAt ? ` (closed ${item.closedAt.toISOString()})` : '';
  return `${item.id}: ${item.state}${closed}`;
}

export function registerDecisionsCommands(program: Command, ctx: CommandContext): void {
  const decisions = program
    .command('decisions')
    .description(
      "The joint meeting's agreed items (议定事项): import a list, list them, close / send back / reopen one",
    );

  decisions
    .command('import')
    .description(
      "Record a meeting's list of agreed items from a file (any format `duban parse` reads);\n" +
        'a corrected list of the same meeting updates its items (same ids), never duplicates them.',
    )
    .argument('<FILE>', 'the list')
    .option('--by <WHO>', 'who records it, for the items’ history (default: cli)')
    .option('--json', 'print what was recorded as JSON')
    .option('--config <FILE>', 'the schedule YAML (units and projects are matched against it)')
    .addHelpText(
      'after',
      '\nExit codes: 0 recorded (warnings allowed); 2 the file holds no readable list of agreed\n' +
        'items, or the list names no meeting date (nothing recorded); 1 usage or database error.',
    )
    .action(async (file: string, opts: { by?: string; json?: boolean; config?: string }) => {
      const bytes = readInputFile(file, ctx, 'decisions import');
      if (bytes === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const reader = new DocumentReader(
        (b, o) => readIssueSheetSandboxed(b, o),
        documentConverter(),
      );
      const sheet = await reader.read(bytes, {
        catalog: catalogOf(schedule),
        // Due dates written without a year are read as the nearest to this week (as `parse` does).
        referenceDate: mondayOf(new Date().toISOString().slice(0, 10)),
      });
      if (!sheet.itemList) {
        ctx.io.err(
          `duban decisions import: ${file} holds no list of agreed items (议定事项清单: 序号, 议定事项, 责任单位, 办结时限)` +
            (sheet.ok
              ? '.'
              : `; it could not be read: ${sheet.issues.map((i) => i.code).join(', ')}.`),
        );
        return ctx.setExit(EXIT.UNREADABLE);
      }
      const reading = sheet.itemList;
      await withExistingDatabase(ctx, 'decisions import', async (db) => {
        const result = await recordItemList(
          decisionDepsOver(db, schedule),
          reading,
          { by: actor(opts.by), rawMessageId: null },
          new Date(),
        );
        ctx.io.out(opts.json ? JSON.stringify(result, null, 2) : describeImport(file, result));
        ctx.setExit(result.meeting === null ? EXIT.UNREADABLE : EXIT.OK);
      });
    });

  decisions
    .command('list')
    .description(
      'Every agreed item with its state, the colour in force (the strongest blue / yellow / red 督办单 issued while it is open) and its last report',
    )
    .option('--json', 'print exactly { "decisions": [...] }')
    .option('--now <ISO>', 'the record as it stood at this time (with an offset)')
    .option('--config <FILE>', 'the schedule YAML')
    .action(async (opts: { json?: boolean; now?: string; config?: string }) => {
      const given = parseNow(opts.now, ctx);
      if (given === undefined) return;
      const now = given ?? new Date();
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await withDatabase(ctx, 'decisions list', async (db) => {
        const list = await decisionsList(decisionDepsOver(db, schedule), now);
        ctx.io.out(opts.json ? JSON.stringify(list, null, 2) : describeList(list.decisions));
        ctx.setExit(EXIT.OK);
      });
    });

  decisions
    .command('close')
    .description('Confirm an item done (办结销号): an open item or one a unit reported 已办结')
    .argument('<ID>', 'the item id, like 20210316-2')
    .option('--by <WHO>', 'who confirms it, for the history (default: cli)')
    .option('--config <FILE>', 'the schedule YAML')
    .action(async (id: string, opts: { by?: string; config?: string }) => {
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await withExistingDatabase(ctx, 'decisions close', async (db) => {
        const item = await closeItem(
          decisionDepsOver(db, schedule),
          id,
          actor(opts.by),
          new Date(),
        );
        ctx.io.out(stateLine(item));
        ctx.setExit(EXIT.OK);
      });
    });

  decisions
    .command('send-back')
    .description(
      'Send an item a unit reported 已办结 back (open again); its responsible units are mailed the note',
    )
    .argument('<ID>', 'the item id')
    .requiredOption('--note <TEXT>', 'why it is not confirmed (zh-CN: the units read it)')
    .option('--by <WHO>', 'who sends it back, for the history (default: cli)')
    .option('--config <FILE>', 'the schedule YAML')
    .action(async (id: string, opts: { note: string; by?: string; config?: string }) => {
      const note = opts.note.trim();
      if (note === '') {
        ctx.io.err('duban decisions send-back: --note must say why the item is sent back.');
        return ctx.setExit(EXIT.USAGE);
      }
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await sendBack(ctx, schedule, id, note, actor(opts.by));
    });

  decisions
    .command('reopen')
    .description('Reopen a closed item')
    .argument('<ID>', 'the item id')
    .option('--note <TEXT>', 'why, for the history')
    .option('--by <WHO>', 'who reopens it, for the history (default: cli)')
    .option('--config <FILE>', 'the schedule YAML')
    .action(async (id: string, opts: { note?: string; by?: string; config?: string }) => {
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await withExistingDatabase(ctx, 'decisions reopen', async (db) => {
        const item = await reopenItem(
          decisionDepsOver(db, schedule),
          id,
          { by: actor(opts.by), note: opts.note?.trim() || null },
          new Date(),
        );
        ctx.io.out(stateLine(item));
        ctx.setExit(EXIT.OK);
      });
    });
}

async function sendBack(
  ctx: CommandContext,
  schedule: Schedule,
  id: string,
  note: string,
  by: string,
): Promise<void> {
  await withRuntime(
    ctx,
    'decisions send-back',
    schedule,
    async (runtime) => {
      try {
        const item = await sendBackItem(decisionMailDeps(runtime), id, { by, note }, runtime.now());
        ctx.io.out(stateLine(item));
        ctx.setExit(EXIT.OK);
      } catch (err) {
        if (!(err instanceof DubanError)) throw err;
        exitForError(err, ctx, 'decisions send-back');
      }
    },
    undefined,
    'existing',
  );
}

function describeImport(file: string, r: ItemListImport): string {
  const lines: string[] = [];
  if (r.meeting === null) {
    lines.push(`${file}: nothing recorded (the list names no meeting date)`);
  } else {
    const { created, updated, unchanged } = r.recorded;
    lines.push(
      `${file}: meeting ${r.meeting.date}${r.meeting.name ? ` ${r.meeting.name}` : ''}: ` +
        `${created.length} created, ${updated.length} updated, ${unchanged.length} unchanged`,
    );
    if (created.length) lines.push(`  created:   ${created.join(', ')}`);
    if (updated.length) lines.push(`  updated:   ${updated.join(', ')}`);
    if (unchanged.length) lines.push(`  unchanged: ${unchanged.join(', ')}`);
  }
  for (const i of r.issues) {
    lines.push(`  ${i.severity} ${i.code}${i.cell ? ` ${i.cell}` : ''}: ${i.message}`);
  }
  return lines.join('\n');
}

function describeList(entries: readonly DecisionListEntry[]): string {
  if (entries.length === 0) return 'no agreed items recorded';
  const header = ['id', 'state', 'colour', 'due', 'responsible', 'last report', 'text'];
  const rows = entries.map((e) => [
    e.id,
    e.state,
    e.colour ?? '-',
    e.due,
    e.responsibleUnits.join(',') || '-',
    e.lastReport ? `${e.lastReport.week} ${e.lastReport.status ?? '-'}` : '-',
    e.text.length > 30 ? `${e.text.slice(0, 29)}…` : e.text,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

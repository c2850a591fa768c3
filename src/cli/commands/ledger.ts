import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ledgerXlsx } from '../../adapters/excel/ledger-workbook';
import { readLedger } from '../../app/decisions/ledger';
import { decisionStoreOver } from '../../compose/decisions';
import { ledgerText } from '../../domain/decisions/ledger-text';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow, withDatabase } from './common';

interface LedgerOptions {
  out?: string;
  now?: string;
  config?: string;
}

export function registerLedgerCommand(program: Command, ctx: CommandContext): void {
  program
    .command('ledger')
    .description(
      'The ledger of agreed items (督办台账): every item, its state, colour and history; -o writes the workbook',
    )
    .option('-o, --out <FILE.xlsx>', 'write the ledger as a printable workbook')
    .option('--now <ISO>', 'as if it were this moment (colours and 截至 date)')
    .option('--config <FILE>', 'the schedule YAML')
    .addHelpText(
      'after',
      '\nWithout -o the ledger is printed as text. Reads the database only.\n\n' +
        'Exit codes: 0 printed or written; 1 usage or configuration error; 69 database unavailable.',
    )
    .action(async (opts: LedgerOptions) => {
      const { io } = ctx;
      const parsedNow = parseNow(opts.now, ctx);
      if (parsedNow === undefined) return;
      const now = parsedNow ?? new Date();
      if (opts.out !== undefined && !/\.xlsx$/i.test(opts.out)) {
        io.err('duban ledger: -o takes a file name ending in .xlsx');
        return ctx.setExit(EXIT.USAGE);
      }
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      await withDatabase(ctx, 'ledger', async (db) => {
        try {
          const ledger = await readLedger({ decisions: decisionStoreOver(db), schedule }, now);
          if (opts.out === undefined) {
            io.out(ledgerText(ledger, schedule.programme.name));
            io.out('');
            io.out('(write the printable workbook with: duban ledger -o FILE.xlsx)');
            return ctx.setExit(EXIT.OK);
          }
          const file = path.resolve(io.cwd, opts.out);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, await ledgerXlsx(ledger, schedule.programme.name));
          const c = ledger.counts;
          io.out(
            `wrote ${opts.out}: ${c.total} items (${c.open} open: ${c.red} red, ${c.yellow} yellow, ` +
              `${c.blue} blue; ${c.awaiting} awaiting confirmation; ${c.closed} closed)`,
          );
          ctx.setExit(EXIT.OK);
        } catch (err) {
          exitForError(err, ctx, 'ledger');
        }
      });
    });
}

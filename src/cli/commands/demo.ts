import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import {
  digestSentAt,
  openDatabase,
  type Db,
  remindersSent,
  weekSubmissionFacts,
} from '../../adapters/storage';
import { buildDigest } from '../../app/digest';
import { weekStatus } from '../../domain/week-status';
import { runDemoLoop, type DemoHooks } from '../../dev/demo/loop';
import { runSheetDemo } from '../../dev/demo/sheets';
import { sendDueReminders } from '../../app/reminders';
import { digestBuildDepsOver, reminderDeps, weekReadsOver } from '../../compose/week-deps';
import { runDigestJob } from '../../compose/scheduler';
import { closeItem } from '../../app/decisions/state';
import { decisionsList } from '../../app/decisions/list';
import { readLedger } from '../../app/decisions/ledger';
import { runFollowUp } from '../../app/decisions/follow-up';
import { decisionDepsOver } from '../../compose/decision-deps';
import { followUpDeps } from '../../compose/follow-up-deps';
import { ledgerXlsx } from '../../adapters/excel/ledger-workbook';
import { createLogger } from '../../log';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';

const hooks: DemoHooks = {
  async remind(runtime, now) {
    const result = await sendDueReminders(reminderDeps(runtime), now);
    return result.reminders.length;
  },
  async followUp(runtime, now) {
    const { mails } = await runFollowUp(followUpDeps(runtime), now);
    if (mails.length === 0) return 'nothing due';
    return mails.map((m) => `${m.kind}${m.colour ? ` ${m.colour}` : ''} → ${m.unitId}`).join(', ');
  },
  async confirm(runtime, itemId, now) {
    const item = await closeItem(
      decisionDepsOver(runtime.db, runtime.schedule),
      itemId,
      'office:office@example.cn',
      now,
    );
    return `${item.id}: ${item.state}`;
  },
  async digest(runtime, week, now, outDir) {
    await runDigestJob(runtime, now);
    const built = await buildDigest(digestBuildDepsOver(runtime.db), runtime.schedule, week, now, {
      version: 1,
    });
    const dir = path.join(outDir, `digest-${week}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'digest.html'), built.html);
    fs.writeFileSync(path.join(dir, 'digest.txt'), built.text);
    fs.writeFileSync(path.join(dir, 'digest.xlsx'), built.xlsx);
    return [path.relative(process.cwd(), dir)];
  },
};

/** The files a submission was read from (the demo's status table shows what each unit sent). */
async function filesOf(db: Db, submissionId: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('submissions as s')
    .innerJoin('attachments as a', 'a.raw_message_id', 's.raw_message_id')
    .select('a.filename')
    .where('s.id', '=', submissionId)
    .where('a.used', '=', 1)
    .orderBy('a.ordinal')
    .execute();
  return rows.map((r) => r.filename ?? '(未命名附件)');
}

export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description(
      'Play two weeks of March 2021 on real parts (Dovecot, Redis, SQLite, mail to files)',
    )
    .option('--out <DIR>', 'where to write the demo files', 'data/demo')
    .option('--config <FILE>', 'the schedule YAML (default: the example programme)')
    .option(
      '--sheets-only',
      'only the sheet cycle: templates, filled sheets, what duban reads (no servers)',
    )
    .addHelpText(
      'after',
      '\nNeeds Dovecot (Debian dovecot-imapd) and Redis; `npm run demo` installs and starts them.\n' +
        'Exit codes: 0 done; 1 invalid schedule; 69 a server is unavailable.',
    )
    .action(async (opts: { out: string; config?: string; sheetsOnly?: boolean }) => {
      const { io } = ctx;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const outDir = path.resolve(io.cwd, opts.out);
      const sheets = await runSheetDemo(schedule, path.join(outDir, 'sheets'));
      io.out(
        `sheet cycle: ${sheets.rows.length} sheets read; templates in ${path.join(outDir, 'sheets', 'templates')}`,
      );
      if (opts.sheetsOnly) return ctx.setExit(EXIT.OK);
      const loopDir = path.join(outDir, 'loop');
      io.out(`\nPlaying 2021-03-15 … 2021-03-23 (simulated time):`);
      const report = await runDemoLoop({
        schedule,
        outDir: loopDir,
        env: io.env,
        logger: createLogger('error'),
        hooks,
        progress: (line) => io.out(`  ${line}`),
      });
      const db = await openDatabase(`sqlite:${path.join(loopDir, 'duban.sqlite')}`);
      const ledgerFile = path.join(loopDir, '督办台账.xlsx');
      try {
        io.out('\nWhat happened (duban status):');
        io.out(
          `  ${'week'.padEnd(11)}${'unit'.padEnd(10)}${'state'.padEnd(10)}${'sheet received (UTC)'.padEnd(32)}reminders`,
        );
        for (const week of ['2021-03-15', '2021-03-22']) {
          const facts = await weekSubmissionFacts(db, week);
          const sent = await remindersSent(db, week);
          const itemUnits = await weekReadsOver(db).unitsWithOpenItems(week);
          for (const u of weekStatus(
            schedule,
            week,
            facts,
            await digestSentAt(db, week),
            itemUnits,
          )) {
            const got = u.submittedAt
              ? u.submittedAt.toISOString().slice(0, 16).replace('T', ' ')
              : '-';
            const via = u.coveredBy ? ` (by ${u.coveredBy})` : '';
            const stages = sent.filter((r) => r.unitId === u.unit).map((r) => r.stage);
            // An invalid unit's mail arrived but could not be used: say why (and which link).
            const links = u.unusable?.cloudLinks ?? [];
            const why = u.unusable?.reason
              ? `  not usable: ${u.unusable.reason}${links.length ? ` (${links.map((l) => l.filename ?? 'link').join(', ')})` : ''}`
              : u.submissionId !== null && !u.coveredBy
                ? `  sent: ${(await filesOf(db, u.submissionId)).join(', ') || '-'}`
                : '';
            io.out(
              `  ${week.padEnd(11)}${u.unit.padEnd(10)}${u.state.padEnd(10)}${(got + via).padEnd(32)}${(stages.join(', ') || '-').padEnd(30)}${why}`,
            );
          }
        }
        // The agreed items as they stand (duban decisions list) and the ledger (duban ledger -o).
        const deps = decisionDepsOver(db, schedule);
        const { decisions } = await decisionsList(deps, new Date());
        io.out(`\nAgreed items (duban decisions list):`);
        io.out(
          `  ${'id'.padEnd(13)}${'unit'.padEnd(10)}${'due'.padEnd(12)}${'state'.padEnd(23)}colour`,
        );
        for (const d of decisions) {
          io.out(
            `  ${d.id.padEnd(13)}${d.responsibleUnits.join(',').padEnd(10)}${d.due.padEnd(12)}${d.state.padEnd(23)}${d.colour ?? '-'}`,
          );
        }
        const ledger = await readLedger(deps, new Date());
        fs.writeFileSync(ledgerFile, await ledgerXlsx(ledger, schedule.programme.name));
      } finally {
        await db.close();
      }
      const mails = fs
        .readdirSync(report.outbox)
        .filter((f) => f.endsWith('.eml'))
        .sort();
      const kinds = new Map<string, number>();
      for (const f of mails) {
        const kind =
          /-(reply|reminder|digest|assignment|notice|sendback|departments)[_-]/.exec(f)?.[1] ??
          'other';
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      io.out(
        `\nMails written (${mails.length}): ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n` +
          `  ${report.outbox}\n` +
          `Digests (.html, .txt, .xlsx): ${path.join(loopDir, 'digest-2021-03-15')}, ${path.join(loopDir, 'digest-2021-03-22')}\n` +
          `Ledger of agreed items (督办台账): ${ledgerFile}\n` +
          `Database: ${path.join(loopDir, 'duban.sqlite')}\n` +
          `See the weeks: DATABASE_URL=sqlite:${path.join(loopDir, 'duban.sqlite')} npx duban status --week 2021-03-15\n` +
          `  … decisions list --json; ledger -o FILE.xlsx; assessment --from 2021-03-15 --to 2021-03-28 --json`,
      );
      ctx.setExit(EXIT.OK);
    });
}

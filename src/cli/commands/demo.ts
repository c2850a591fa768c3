import * as path from 'node:path';
import type { Command } from 'commander';
import { openDatabase, migrateToLatest } from '../../adapters/storage';
import { runSheetDemo } from '../../app/demo';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../main';
import { loadScheduleOrReport } from './config';

export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description(
      'Play the weekly sheet cycle on embedded defaults: templates, filled sheets, what duban reads',
    )
    .option('--out <DIR>', 'where to write the demo files', 'data/demo')
    .option('--config <FILE>', 'the schedule YAML (default: the example programme)')
    .addHelpText('after', '\nExit codes: 0 done; 1 invalid schedule; 69 database unavailable.')
    .action(async (opts: { out: string; config?: string }) => {
      const { io } = ctx;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const db = await openDatabase(io.env.DATABASE_URL, { cwd: io.cwd });
      try {
        const { applied } = await migrateToLatest(db);
        io.out(
          `database: ${db.description} (${applied.length ? `applied ${applied.join(', ')}` : 'up to date'})`,
        );
      } finally {
        await db.close();
      }
      const outDir = path.resolve(io.cwd, opts.out);
      const result = await runSheetDemo(schedule, outDir);
      io.out(`\nprogramme: ${schedule.programme.name}\nreporting week: 2021-03-15\n`);
      const table = [['unit', 'file sent', 'outcome', 'projects', 'targets', 'issues (code@cell)']];
      for (const r of result.rows) {
        table.push([
          r.unit,
          r.file,
          r.outcome,
          String(r.projects),
          String(r.targets),
          r.issues.join(' ') || '-',
        ]);
      }
      const widths =
        table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
      for (const row of table)
        io.out(
          row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
        );
      io.out(
        `\ntemplates (one per lead unit): ${path.join(result.outDir, 'templates')}\n` +
          `sheets as sent:                ${path.join(result.outDir, 'filled')}\n` +
          `what duban read (JSON):        ${path.join(result.outDir, 'parsed')}\n` +
          `\nTry: npx duban parse ${path.relative(io.cwd, path.join(result.outDir, 'filled', result.rows[1]?.file ? path.basename(result.rows[1].file) : ''))}`,
      );
      ctx.setExit(EXIT.OK);
    });
}

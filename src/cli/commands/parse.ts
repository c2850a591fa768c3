import type { Command } from 'commander';
import { catalogOf } from '../../adapters/excel/read-sheet';
import { readIssueSheetSandboxed } from '../../adapters/excel/sandbox';
import { DocumentReader } from '../../adapters/formats/document-reader';
import { documentConverter } from '../../compose/converters';
import type { ParsedSheet } from '../../domain/sheet/parse';
import { PROBLEM_CATEGORIES } from '../../domain/sheet/layout';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { parseWeek, readInputFile } from './common';

export function registerParseCommand(program: Command, ctx: CommandContext): void {
  program
    .command('parse')
    .description(
      'Read a filled weekly issue sheet (.xlsx, .xls/.et, .ods, .csv, .docx/.doc/.wps, .html) and show what duban understood',
    )
    .argument('<FILE>', 'the workbook')
    .option('--json', 'print exactly one JSON object (the format is documented in the README)')
    .option(
      '--week <YYYY-MM-DD>',
      "year for due dates written without one, when 填报时间 is empty (default: this week's Monday)",
    )
    .option('--config <FILE>', 'the schedule YAML (projects are matched against it)')
    .addHelpText(
      'after',
      '\nThe file is read in a sandboxed worker thread with memory and time limits.\n\n' +
        'Exit codes: 0 read (warnings allowed); 2 the sheet could not be read (ok: false, with its\n' +
        'issues); 1 usage error (missing file, bad option, invalid schedule).',
    )
    .action(async (file: string, opts: { json?: boolean; week?: string; config?: string }) => {
      const { io } = ctx;
      let referenceDate = mondayOf(new Date());
      if (opts.week) {
        const week = parseWeek(opts.week, ctx, 'parse');
        if (week === undefined) return;
        referenceDate = week;
      }
      const bytes = readInputFile(file, ctx, 'parse');
      if (bytes === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const reader = new DocumentReader(
        (b, o) => readIssueSheetSandboxed(b, o),
        documentConverter(),
      );
      const result = await reader.read(bytes, {
        catalog: catalogOf(schedule),
        referenceDate,
      });
      io.out(opts.json ? JSON.stringify(result, null, 2) : describe(file, result));
      ctx.setExit(result.ok ? EXIT.OK : EXIT.UNREADABLE);
    });
}

function mondayOf(now: Date): string {
  const day = now.getUTCDay();
  return new Date(now.getTime() - ((day + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

/** The human-readable form: what was read, then the issues with their cells. */
function describe(file: string, r: ParsedSheet): string {
  const lines: string[] = [];
  if (!r.ok) lines.push(`${file}: NOT READ`);
  else
    lines.push(
      `${file}: sheet "${r.sheet}", unit ${r.unit ?? '(none)'}, filled on ${r.filledOn ?? '(none)'}`,
    );
  for (const p of r.projects) {
    lines.push(
      `  ${p.projectId ?? '??'}  ${p.name}  [${p.cell}]  lead: ${p.leadUnits.join(', ') || '-'}`,
    );
    for (const t of p.targets) {
      const status = t.status ? ` (${t.status})` : '';
      lines.push(`      ${t.due ?? `?${t.dueText ?? ''}`}  ${t.text}${status}  [${t.cell}]`);
    }
    const filled = PROBLEM_CATEGORIES.filter((c) => p.problems[c.key] !== null).map((c) => c.key);
    lines.push(
      `      problems: ${filled.join(', ') || 'none'}${p.uncategorizedProblems ? ' + uncategorised text' : ''}`,
    );
    lines.push(`      departments: ${p.responsibleDepartments.join('、') || '-'}`);
    lines.push(
      `      progress: ${p.progress ? 'yes' : '-'}   next steps: ${p.nextSteps ? 'yes' : '-'}`,
    );
  }
  if (r.itemList) {
    const { meeting, rows, issues } = r.itemList;
    lines.push(
      `  a list of agreed items: meeting ${meeting.name ?? '(no name)'}, ${meeting.date ?? '(no date)'}; ${rows.length} item(s)`,
    );
    for (const row of rows) {
      const due = row.due ?? `?${row.dueText ?? ''}`;
      const coop = row.cooperating.length > 0 ? ` (with ${row.cooperating.join('、')})` : '';
      lines.push(
        `      ${row.n}. ${due}  ${row.responsible.join('、')}${coop}  ${row.text.replace(/\s*\n\s*/g, ' ')}  [${row.cell}]`,
      );
    }
    for (const i of issues)
      lines.push(`  ${i.severity} ${i.code}${i.cell ? ` ${i.cell}` : ''}: ${i.message}`);
  }
  if (r.itemReports) {
    lines.push(`  reports on agreed items (议定事项落实情况): ${r.itemReports.length}`);
    for (const rep of r.itemReports) {
      lines.push(
        `      ${rep.itemId ?? `?${rep.idText}`}  ${rep.status ?? rep.statusText ?? '-'}  ${rep.progress ?? '-'}  [${rep.cell}]`,
      );
    }
  }
  for (const i of r.issues)
    lines.push(`  ${i.severity} ${i.code}${i.cell ? ` ${i.cell}` : ''}: ${i.message}`);
  return lines.join('\n');
}

import type { Command } from 'commander';
import { audit, openDatabaseFor } from '../../adapters/storage';
import { issueLoginLink } from '../../adapters/web/sign-in';
import { viewerFor } from '../../adapters/web/viewers';
import { databaseUrlFromEnv } from '../../config/env';
import { parseWebEnv } from '../../config/env/web';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
import { loadScheduleOrReport } from './config';
import { exitForError, parseNow } from './common';

export function registerLoginLinkCommand(program: Command, ctx: CommandContext): void {
  program
    .command('login-link')
    .description('Print a one-time sign-in link to the console for a person the schedule lists')
    .requiredOption(
      '--email <ADDRESS>',
      'the address of an office member, convenor or chief convenor',
    )
    .option('--json', 'print one JSON object: {"email","role","url","expiresAt"}')
    .option('--config <FILE>', 'the schedule YAML')
    .option('--now <ISO>', 'issue as if it were this moment (tests)')
    .addHelpText(
      'after',
      '\nFor the first sign-in, and for offices without SMTP. The link starts with PUBLIC_URL, works\n' +
        'once and expires after 15 minutes. The request is recorded in the audit log.\n\n' +
        'Exit codes: 0 printed; 1 unknown address, usage or configuration error; 69 database unavailable.',
    )
    .action(async (opts: { email: string; json?: boolean; config?: string; now?: string }) => {
      const { io } = ctx;
      const now = parseNow(opts.now, ctx);
      if (now === undefined) return;
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      const viewer = viewerFor(schedule, opts.email);
      if (!viewer) {
        io.err(
          `duban login-link: ${opts.email} is not in the schedule's people (office, convenors, chief convenor).`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const web = parseWebEnv(io.env);
      if (!web.ok) {
        io.err(`duban login-link: ENV_INVALID: ${web.problems.join(' ')}`);
        return ctx.setExit(EXIT.USAGE);
      }
      let db;
      try {
        db = await openDatabaseFor(databaseUrlFromEnv(io.env, io.cwd), 'existing', { cwd: io.cwd });
      } catch (err) {
        return exitForError(err, ctx, 'login-link');
      }
      try {
        const at = now ?? new Date();
        const link = await issueLoginLink(db, {
          email: viewer.email,
          publicUrl: web.value.publicUrl,
          now: at,
        });
        await audit(db, {
          event: 'console.login_link_issued',
          actor: 'cli',
          details: { email: viewer.email, role: viewer.role },
          now: at,
        });
        const report = {
          email: viewer.email,
          role: viewer.role,
          url: link.url,
          expiresAt: link.expiresAt.toISOString(),
        };
        if (opts.json) io.out(JSON.stringify(report, null, 2));
        else {
          io.out(link.url);
          io.err(`(${viewer.role}; works once; expires ${report.expiresAt})`);
        }
        ctx.setExit(EXIT.OK);
      } finally {
        await db.close();
      }
    });
}

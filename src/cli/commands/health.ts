import type { Command } from 'commander';
import { openDatabase, unprocessedMessages, unsentQueuedMails } from '../../adapters/storage';
import { loadEnv } from '../../config/env';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../main';
import { exitForError, parseNow } from './common';

/** Exit code of `duban health` when something needs the operator (documented in the README). */
export const UNHEALTHY = 3;

export function registerHealthCommand(program: Command, ctx: CommandContext): void {
  program
    .command('health')
    .description('Check from the database that the service is keeping up (for monitoring)')
    .option('--json', 'print one JSON object')
    .option('--now <ISO>', 'judge as if it were this moment')
    .addHelpText(
      'after',
      '\nReports the mailbox sync (last success, last error, stalled after IMAP_STALL_MINUTES),\n' +
        'messages stored but not processed and answers not sent for over 10 minutes.\n\n' +
        'Exit codes: 0 healthy; 3 stalled or a backlog; 1 configuration error; 69 database unavailable.',
    )
    .action(async (opts: { json?: boolean; now?: string }) => {
      const { io } = ctx;
      const given = parseNow(opts.now, ctx);
      if (given === undefined) return;
      const now = given ?? new Date();
      let db;
      let imap;
      try {
        imap = loadEnv(io.env).imap;
        db = await openDatabase(io.env.DATABASE_URL, { cwd: io.cwd });
      } catch (err) {
        return exitForError(err, ctx, 'health');
      }
      try {
        const stallMinutes = imap?.stallMinutes ?? 10;
        const boxes = await db.kysely.selectFrom('mailbox_state').selectAll().execute();
        const mailboxes = boxes.map((b) => {
          const last = b.last_success_at ? new Date(b.last_success_at) : null;
          return {
            account: b.account,
            mailbox: b.mailbox,
            lastSuccessAt: b.last_success_at,
            lastError: b.last_error,
            stalled: !last || now.getTime() - last.getTime() > stallMinutes * 60_000,
          };
        });
        const backlogBefore = new Date(now.getTime() - 10 * 60_000);
        const unprocessed = (await unprocessedMessages(db, backlogBefore)).length;
        const unsent = (await unsentQueuedMails(db, backlogBefore)).length;
        // A configured mailbox that has never synced is as bad as a stalled one.
        const neverSynced = imap !== null && !mailboxes.some((m) => m.account === imap.account);
        const healthy =
          !neverSynced && mailboxes.every((m) => !m.stalled) && unprocessed === 0 && unsent === 0;
        const report = {
          healthy,
          neverSynced,
          mailboxes,
          unprocessedMessages: unprocessed,
          unsentMails: unsent,
        };
        if (opts.json) io.out(JSON.stringify(report, null, 2));
        else {
          io.out(healthy ? 'healthy' : 'UNHEALTHY');
          if (neverSynced) io.out(`  ${imap?.account}: never synced`);
          else if (mailboxes.length === 0)
            io.out('  no mailbox configured (IMAP_URL / IMAP_HOST unset)');
          for (const m of mailboxes) {
            io.out(
              `  ${m.account}/${m.mailbox}: last success ${m.lastSuccessAt ?? 'never'}${m.stalled ? ' (STALLED)' : ''}${m.lastError ? `, last error: ${m.lastError}` : ''}`,
            );
          }
          io.out(
            `  messages waiting over 10 min: ${unprocessed}; answers waiting over 10 min: ${unsent}`,
          );
        }
        ctx.setExit(healthy ? EXIT.OK : UNHEALTHY);
      } finally {
        await db.close();
      }
    });
}

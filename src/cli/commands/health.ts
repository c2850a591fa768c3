import type { Command } from 'commander';
import { lateness } from '../../adapters/mail/send';
import { openDatabaseFor, unprocessedMessages, unsentMails } from '../../adapters/storage';
import { probeRedis } from '../../adapters/queue';
import { databaseUrlFromEnv, loadEnv } from '../../config/env';
import { readServiceEnv } from '../../config/service-env';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';
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
        'messages stored but not processed for over 10 minutes, every mail not sent within\n' +
        'its window (MAIL_CLAIM_LEASE_MS, default 10 minutes; an error after 1 hour), and whether\n' +
        'Redis (REDIS_URL) answers.\n\n' +
        'Exit codes: 0 healthy; 3 stalled, a backlog or Redis unreachable; 1 configuration error or a\n' +
        'database without duban tables; 69 database unavailable.',
    )
    .action(async (opts: { json?: boolean; now?: string }) => {
      const { io } = ctx;
      const given = parseNow(opts.now, ctx);
      if (given === undefined) return;
      const now = given ?? new Date();
      let db;
      let imap;
      let leaseMs;
      let redisUrl;
      try {
        imap = loadEnv(io.env).imap;
        const service = readServiceEnv(io.env);
        leaseMs = service.mailClaimLeaseMs;
        redisUrl = service.redisUrl;
        // Read-only: a database nobody migrated is reported (exit 1), never created here.
        db = await openDatabaseFor(databaseUrlFromEnv(io.env, io.cwd), 'read', { cwd: io.cwd });
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
        // Every mail queued longer ago than its window and not sent (nor failed for good):
        // waiting, being retried, or claimed by a sender that may have died mid-send.
        const lateMails = (await unsentMails(db, new Date(now.getTime() - leaseMs))).map((m) => {
          const ageMs = now.getTime() - m.queuedAt.getTime();
          return {
            key: m.key,
            kind: m.kind,
            status: m.status,
            ageMinutes: Math.floor(ageMs / 60_000),
            attempts: m.attempts,
            level: lateness(ageMs, leaseMs) ?? 'warn',
            lastError: m.error,
          };
        });
        const unsent = lateMails.length;
        // A configured mailbox that has never synced is as bad as a stalled one.
        const neverSynced = imap !== null && !mailboxes.some((m) => m.account === imap.account);
        // Redis on its own line: its outage is never the mailbox's error (REDIS_UNAVAILABLE).
        const redis = await probeRedis(redisUrl);
        const healthy =
          !neverSynced &&
          mailboxes.every((m) => !m.stalled) &&
          unprocessed === 0 &&
          unsent === 0 &&
          redis.reachable;
        const report = {
          healthy,
          neverSynced,
          mailboxes,
          unprocessedMessages: unprocessed,
          unsentMails: unsent,
          lateMails,
          redis,
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
          const window = Math.round(leaseMs / 60_000);
          io.out(
            `  messages waiting over 10 min: ${unprocessed}; mails not sent within ${window} min: ${unsent}`,
          );
          for (const m of lateMails) {
            io.out(
              `  ${m.level === 'error' ? 'ERROR' : 'WARN'} mail ${m.key} (${m.kind}): ${m.status}, queued ${m.ageMinutes} min ago, ${m.attempts} attempt(s)${m.lastError ? `, last error: ${m.lastError}` : ''}`,
            );
          }
          io.out(`  redis: ${redis.reachable ? 'reachable' : `UNREACHABLE (${redis.error})`}`);
        }
        ctx.setExit(healthy ? EXIT.OK : UNHEALTHY);
      } finally {
        await db.close();
      }
    });
}

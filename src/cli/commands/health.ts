import type { Command } from 'commander';
import { StorageOperatorReads, openDatabaseFor } from '../../adapters/storage';
import { redisProbe } from '../../adapters/queue';
import { assessHealth } from '../../app/service-health';
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
        const report = await assessHealth(
          { reads: new StorageOperatorReads(db), redis: redisProbe(redisUrl, 3_000) },
          {
            stallMinutes: imap?.stallMinutes ?? 10,
            leaseMs,
            watchedAccount: imap?.account ?? null,
          },
          now,
        );
        const { healthy, neverSynced, mailboxes, lateMails, redis } = report;
        const { unprocessedMessages: unprocessed, unsentMails: unsent } = report;
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

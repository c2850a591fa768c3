/**
 * The `web` role: the console (src/adapters/web) over the runtime, listening on HTTP_HOST and
 * HTTP_PORT. Sign-in mails are queued in the outbox and handed to the outbound queue.
 */
import type { FastifyInstance } from 'fastify';
import type { Queues } from '../adapters/queue';
import type { WebDeps } from '../adapters/web/deps';
import { buildWebServer } from '../adapters/web/server';
import { BULL_BOARD_PATH, registerBullBoard } from '../adapters/web/routes/ops';
import { StorageOperatorReads } from '../adapters/storage/operator-reads';
import { BullQueueReads } from '../adapters/queue/queue-reads';
import { redisProbe } from '../adapters/queue/connection';
import { decisionStoreOver } from './decisions';
import { officeDepsOver } from './office';
import { outboxFor } from './week-deps';
import type { Runtime } from './runtime';

/** The operator's and the admin's views of the service: health, metrics, queues. */
function operatorDepsOver(runtime: Runtime, queues: Queues): Pick<WebDeps, 'operator' | 'ops'> {
  const reads = new StorageOperatorReads(runtime.db);
  const settings = {
    stallMinutes: runtime.imap?.stallMinutes ?? 10,
    leaseMs: runtime.service.mailClaimLeaseMs,
    watchedAccount: runtime.imap?.account ?? null,
  };
  const queueReads = new BullQueueReads([queues.intake, queues.outbound]);
  return {
    operator: { reads, redis: redisProbe(runtime.service.redisUrl), queues: queueReads, settings },
    ops: { reads, queues: queueReads, settings, timeZone: runtime.schedule.programme.timezone },
  };
}

export function webDepsOver(runtime: Runtime, queues: Queues): WebDeps {
  return {
    ...operatorDepsOver(runtime, queues),
    db: runtime.db,
    schedule: () => runtime.schedule,
    now: runtime.now,
    web: runtime.web,
    mailFrom: runtime.mail.from,
    logger: runtime.logger.child({ component: 'web' }),
    office: officeDepsOver(runtime, () => {
      const last = runtime.lastReload();
      return last && { at: last.at, result: last.outcome.result, messages: last.outcome.messages };
    }),
    decisions: decisionStoreOver(runtime.db),
    decisionMail: () => ({
      outboxAt: (now) => outboxFor({ ...runtime.deliverDeps(), now: () => now }),
      from: runtime.mail.from,
      workerName: `${runtime.workerName}:console`,
      logger: runtime.logger.child({ component: 'web' }),
      enqueueOutbound: (mailKey) => queues.enqueueOutbound({ mailKey }),
    }),
    async sendMail(mail) {
      await runtime.outbox.queue(mail);
      // Should Redis be down, the sweeper finds the queued mail again.
      await queues.enqueueOutbound({ mailKey: mail.key });
    },
  };
}

export interface WebRole {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  address: string;
  close(): Promise<void>;
}

export async function startWeb(runtime: Runtime, queues: Queues): Promise<WebRole> {
  const app = buildWebServer(webDepsOver(runtime, queues), {
    // Bull Board's own page: its scripts and styles are served locally; its loading screen uses
    // inline styles.
    cspByPrefix: {
      [BULL_BOARD_PATH]:
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
    },
    extend: (app, guard) =>
      registerBullBoard(app, [queues.intake, queues.outbound], guard('admin')),
  });
  const address = await app.listen({ host: runtime.web.host, port: runtime.web.port });
  runtime.logger.info({ address, publicUrl: runtime.web.publicUrl }, 'console listening');
  return {
    app,
    address,
    // Stops accepting connections and lets requests in hand finish.
    close: () => app.close(),
  };
}

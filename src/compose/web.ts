/**
 * The `web` role: the console (src/adapters/web) over the runtime, listening on HTTP_HOST and
 * HTTP_PORT. Sign-in mails are queued in the outbox and handed to the outbound queue.
 */
import type { FastifyInstance } from 'fastify';
import type { Queues } from '../adapters/queue';
import type { WebDeps } from '../adapters/web/deps';
import { buildWebServer } from '../adapters/web/server';
import { officeDepsOver } from './office';
import type { Runtime } from './runtime';

export function webDepsOver(runtime: Runtime, queues: Pick<Queues, 'enqueueOutbound'>): WebDeps {
  return {
    db: runtime.db,
    schedule: () => runtime.schedule,
    now: runtime.now,
    web: runtime.web,
    mailFrom: runtime.mail.from,
    logger: runtime.logger.child({ component: 'web' }),
    office: officeDepsOver(runtime),
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
  const app = buildWebServer(webDepsOver(runtime, queues));
  const address = await app.listen({ host: runtime.web.host, port: runtime.web.port });
  runtime.logger.info({ address, publicUrl: runtime.web.publicUrl }, 'console listening');
  return {
    app,
    address,
    // Stops accepting connections and lets requests in hand finish.
    close: () => app.close(),
  };
}

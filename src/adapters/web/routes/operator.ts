/**
 * The operator's endpoints (no sign-in, no data): /healthz (the process answers), /readyz (the
 * database, Redis and the watcher's last sync; 503 with the reasons otherwise), /metrics
 * (Prometheus text; see ../operator-metrics.ts for what is measured and how).
 */
import type { FastifyReply } from 'fastify';
import type {
  HealthReads,
  MetricReads,
  QueueReads,
  RedisProbe,
} from '../../../app/ports/operator-reads';
import { assessReadiness, type HealthSettings } from '../../../app/service-health';
import { OperatorMetrics } from '../operator-metrics';
import type { ConsoleRoute } from '../route';

export interface OperatorDeps {
  reads: HealthReads & MetricReads;
  redis: RedisProbe;
  queues: QueueReads;
  settings: HealthSettings;
  /** The latency histograms' window in days (default 7). */
  windowDays?: number;
}

function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

export function operatorRoutes(deps: OperatorDeps): ConsoleRoute[] {
  const metrics = new OperatorMetrics({
    reads: deps.reads,
    queues: deps.queues,
    settings: deps.settings,
    ...(deps.windowDays !== undefined ? { windowDays: deps.windowDays } : {}),
  });
  return [
    {
      method: 'GET',
      url: '/healthz',
      access: 'operator',
      handler: async (_req, reply) => {
        noStore(reply).type('text/plain; charset=utf-8');
        return 'ok';
      },
    },
    {
      method: 'GET',
      url: '/readyz',
      access: 'operator',
      handler: async (_req, reply, ctx) => {
        const readiness = await assessReadiness(deps, deps.settings, ctx.now);
        noStore(reply).code(readiness.ready ? 200 : 503);
        return readiness.ready
          ? { status: 'ready' }
          : { status: 'not_ready', reasons: readiness.reasons };
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      access: 'operator',
      handler: async (_req, reply, ctx) => {
        noStore(reply);
        try {
          const text = await metrics.scrape(ctx.now);
          reply.type(metrics.contentType);
          return text;
        } catch {
          // The database is the source of every figure: no partial scrape that would read as zeros.
          reply.code(503).type('text/plain; charset=utf-8');
          return 'metrics unavailable: the database did not answer\n';
        }
      },
    },
  ];
}

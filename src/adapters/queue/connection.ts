/**
 * Redis connections for BullMQ and our own clients (the lease, health's probe), and telling a
 * Redis outage from other errors so it is reported as REDIS_UNAVAILABLE, not as someone else's
 * failure.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import type { RedisProbe } from '../../app/ports/operator-reads';
import { DubanError } from '../../errors';

/** Connection options for BullMQ (or ioredis) from a redis:// URL. */
export function connectionOf(
  redisUrl: string,
  forWorker: boolean,
): ConnectionOptions & RedisOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Workers must wait for Redis to come back (BullMQ requires null); producers fail fast so a
    // caller learns at once that the job was not queued (and the sweeper catches up later).
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
    // BullMQ's default waits up to 20 s between reconnections after a few failures; back within
    // 5 s of Redis instead.
    retryStrategy: (times: number) => Math.min(times * 500, 5_000),
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const OUTAGE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'ECONNREFUSED',
  'ECONNRESET',
  'LOADING',
];

/** Whether an error from ioredis/BullMQ means Redis is unreachable (rather than a bad command). */
export function isRedisOutage(err: unknown): boolean {
  if (err instanceof DubanError) return err.code === 'REDIS_UNAVAILABLE';
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (OUTAGE_MESSAGES.some((m) => err.message.includes(m))) return true;
  // AggregateError (IPv4 and IPv6 both refused) carries the real causes inside.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(isRedisOutage);
}

/** Runs a Redis operation, reporting an outage as REDIS_UNAVAILABLE (retryable). */
export async function redisCall<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!isRedisOutage(err) || err instanceof DubanError) throw err;
    const e = new DubanError(
      'REDIS_UNAVAILABLE',
      `${what}: Redis unreachable (${err instanceof Error ? err.message : String(err)})`,
    );
    e.cause = err;
    throw e;
  }
}

/** A plain ioredis client for our own keys (the lease); its errors go to `onError`. */
export function redisClient(
  redisUrl: string,
  onError: (err: Error) => void,
  options: { commandTimeoutMs?: number } = {},
): Redis {
  const client = new Redis({
    ...connectionOf(redisUrl, false),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    // Reconnect every second at most: an outage is noticed quickly and ended quickly.
    retryStrategy: (times: number) => Math.min(times * 200, 1_000),
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  });
  // Without it ioredis prints "[ioredis] Unhandled error event" blocks to stderr.
  client.on('error', onError);
  return client;
}

/** One PING with a short timeout (duban health): whether Redis answers, and why not. */
export async function probeRedis(
  redisUrl: string,
  timeoutMs = 3_000,
): Promise<{ reachable: boolean; error: string | null }> {
  let lastError: string | null = null;
  const client = new Redis({
    ...connectionOf(redisUrl, false),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', (err: Error) => (lastError = err.message));
  try {
    await client.connect();
    await client.ping();
    return { reachable: true, error: null };
  } catch (err) {
    return {
      reachable: false,
      error: lastError ?? (err instanceof Error ? err.message : String(err)),
    };
  } finally {
    client.disconnect();
  }
}

/** Waits for a (re)connecting client to be ready, at most `ms` (a command then fails fast if not). */
export function readyWithin(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    client.once('ready', done);
  });
}

/** The RedisProbe port (src/app/ports/operator-reads.ts): one PING per call, `timeoutMs` at most. */
export function redisProbe(redisUrl: string, timeoutMs = 2_000): RedisProbe {
  return { probe: () => probeRedis(redisUrl, timeoutMs) };
}

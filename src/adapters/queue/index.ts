/**
 * BullMQ on Redis, one concept per file: connections and outage detection (connection.ts),
 * outage reporting (redis-watch.ts), the intake and outbound queues (queues.ts), job ids
 * (ids.ts), workers with our retry and logging policy (worker.ts).
 */
export {
  connectionOf,
  isRedisOutage,
  probeRedis,
  readyWithin,
  redisCall,
  redisClient,
  redisProbe,
} from './connection';
export { intakeJobId, outboundJobId } from './ids';
export {
  DEFAULT_RETRY_DELAY_MS,
  JOB_DEFAULTS,
  QUEUE,
  Queues,
  jobOptions,
  type IntakeJob,
  type OutboundJob,
  type QueueSettings,
} from './queues';
export { BullQueueReads, JOB_STATES } from './queue-reads';
export { RedisWatch } from './redis-watch';
export {
  closeWithin,
  isFinalFailure,
  logJobFailure,
  startWorker,
  withErrorPolicy,
  type WorkerOptions,
} from './worker';

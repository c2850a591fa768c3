/**
 * Everything a fault run stands on, private to the run and removed afterwards: a fresh
 * PostgreSQL database (migrated once, before any service process starts), a private Redis, a
 * private Dovecot, an SMTP capture server, a temp dir for the logs, and the service processes
 * (`node bin/duban.js serve`, as an operator starts them) under the supervisor.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { migrateToLatest, openDatabase } from '../../../src/adapters/storage';
import { startDovecot, type Dovecot } from '../../../src/dev/dovecot';
import { startTestSmtpServer, type TestSmtpServer } from '../smtp';
import { startPrivateRedis, type PrivateRedis } from './redis';
import { Supervisor, type Incarnation } from './supervisor';

/** The repository root (holds bin/duban.js and config/), from src or from dist. */
export const ROOT = [
  path.resolve(__dirname, '..', '..', '..'),
  path.resolve(__dirname, '..', '..', '..', '..'),
].find((dir) => fs.existsSync(path.join(dir, 'bin', 'duban.js'))) as string;

/** Short leases and delays, so that a run of a minute sees every takeover and retry. */
export const FAULT_TIMINGS = {
  MAIL_CLAIM_LEASE_MS: 3000,
  LEASE_TTL_MS: 3000,
  RETRY_DELAY_MS: 200,
  QUEUE_LOCK_MS: 2000,
  SWEEP_EVERY_MS: 2000,
  SWEEP_GRACE_MS: 8000,
} as const;

export type ServiceKind = 'intake-outbound' | 'full';

export interface FaultStack {
  readonly dir: string;
  readonly supervisor: Supervisor;
  readonly redis: PrivateRedis;
  readonly dovecot: Dovecot;
  readonly smtp: TestSmtpServer;
  readonly databaseUrl: string;
  /** Starts (or restarts) a service process; `failpoint` arms DUBAN_FAILPOINT for this run. */
  startService(name: string, kind: ServiceKind, failpoint?: string): Incarnation;
  /** Stops every process, server and the database; keeps the dir only when asked to. */
  dispose(): Promise<void>;
}

export async function startFaultStack(opts: {
  postgresUrl: string;
  keepDir?: boolean;
}): Promise<FaultStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-faults-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  let supervisor: Supervisor | undefined;
  const dispose = async (): Promise<void> => {
    // The processes first (they hold connections to everything else), then the rest, the
    // last-made first; every step runs even when one fails.
    await supervisor?.stopAll(5_000).catch(() => undefined);
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    supervisor = new Supervisor(dir);
    const database = await createDatabase(opts.postgresUrl);
    cleanups.push(database.drop);
    const db = await openDatabase(database.url);
    try {
      await migrateToLatest(db);
    } finally {
      await db.close();
    }
    const smtp = await startTestSmtpServer();
    cleanups.push(() => smtp.close());
    const dovecot = await startDovecot();
    cleanups.push(() => dovecot.dispose());
    const redis = await startPrivateRedis(supervisor, dir);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: process.env.TZ ?? 'UTC',
      DATABASE_URL: database.url,
      IMAP_HOST: dovecot.host,
      IMAP_PORT: String(dovecot.port),
      IMAP_SECURE: 'false',
      IMAP_USER: dovecot.user,
      IMAP_PASSWORD: dovecot.password,
      SMTP_URL: smtp.url,
      REDIS_URL: redis.url,
      DUBAN_QUEUE_PREFIX: 'faults',
      DUBAN_CONFIG: path.join(ROOT, 'config', 'schedule.example.yaml'),
      // The mail-loop guard (10 automatic replies per address a day) would hold answers back.
      MAIL_DAILY_CAP: '10000',
      LOG_LEVEL: 'info',
      // Several full services run the console: each on a free port.
      HTTP_PORT: '0',
      ...Object.fromEntries(Object.entries(FAULT_TIMINGS).map(([k, v]) => [k, String(v)])),
    };
    const cwd = path.join(dir, 'service');
    fs.mkdirSync(cwd);
    const specs = new Map<string, ServiceKind>();
    const processes = supervisor;
    return {
      dir,
      supervisor: processes,
      redis,
      dovecot,
      smtp,
      databaseUrl: database.url,
      startService(name, kind, failpoint) {
        const roles = kind === 'full' ? [] : ['--roles', 'intake,outbound'];
        const extra: Record<string, string> = failpoint ? { DUBAN_FAILPOINT: failpoint } : {};
        if (specs.has(name)) return processes.restart(name, extra);
        specs.set(name, kind);
        return processes.start(
          name,
          {
            command: process.execPath,
            args: [
              path.join(ROOT, 'bin', 'duban.js'),
              'serve',
              ...roles,
              '--shutdown-seconds',
              '3',
            ],
            env,
            cwd,
            jsonLogs: true,
          },
          extra,
        );
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function createDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `duban_faults_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await admin(
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // WITH (FORCE): connections of killed processes may linger a moment.
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

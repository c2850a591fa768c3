// docker-compose.yml must stay valid and keep what the service depends on: Redis that never evicts
// (BullMQ) and persists, PostgreSQL, and an app wired to both. Debian's docker-compose 1.29.2
// parses, interpolates and validates the file without a Docker engine, so this runs anywhere the
// tests run. A missing docker-compose fails the test on purpose: scripts/ensure-services.sh
// installs it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

let tmpDir = '';
let emptyEnvFile = '';

beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-compose-'));
  emptyEnvFile = path.join(tmpDir, 'empty.env');
  fs.writeFileSync(emptyEnvFile, '');
});

afterAll(() => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

interface ComposeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs docker-compose on the project's file with only the given variables set: neither the
 * developer's shell nor a local .env file (which may hold real secrets) may change the outcome.
 */
function compose(args: string[], vars: Record<string, string> = {}): ComposeRun {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars };
  if (process.env.HOME) env.HOME = process.env.HOME;
  const result = spawnSync(
    'docker-compose',
    ['--env-file', emptyEnvFile, '-f', COMPOSE_FILE, ...args],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 },
  );
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        'docker-compose is not installed, so docker-compose.yml cannot be validated. ' +
          'Run scripts/ensure-services.sh (installs the Debian package docker-compose), ' +
          'or run the tests with `npm test`, which does that first.',
      );
    }
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let defaultConfig: Record<string, unknown> | undefined;

/** The file as docker-compose resolves it; with no variables given, parsed once per run. */
function composeConfig(vars: Record<string, string> = {}): Record<string, unknown> {
  const useDefault = Object.keys(vars).length === 0;
  if (useDefault && defaultConfig) return defaultConfig;
  const run = compose(['config'], vars);
  if (run.status !== 0) {
    throw new Error(`docker-compose config exited ${String(run.status)}:\n${run.stderr}`);
  }
  const config = record(parse(run.stdout), 'docker-compose config output');
  if (useDefault) defaultConfig = config;
  return config;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function service(config: Record<string, unknown>, name: string): Record<string, unknown> {
  return record(record(config.services, 'services')[name], `services.${name}`);
}

/** `command` as one string, whether the file gives it as a string or a list. */
function commandLine(svc: Record<string, unknown>): string {
  const command = svc.command;
  if (Array.isArray(command)) return command.map(String).join(' ');
  return typeof command === 'string' ? command : '';
}

/** `environment` as a map, whether written as a map or as a list of KEY=VALUE. */
function environment(svc: Record<string, unknown>): Record<string, string> {
  const env = svc.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const entry of env.map(String)) {
      const eq = entry.indexOf('=');
      if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else if (env !== undefined && env !== null) {
    for (const [key, value] of Object.entries(record(env, 'environment'))) {
      out[key] = value === null || value === undefined ? '' : String(value);
    }
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('validates with `docker-compose config -q`, without warnings', () => {
    const run = compose(['config', '-q']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('runs Redis with noeviction and append-only persistence on a volume', () => {
    const redis = service(composeConfig(), 'redis');
    const command = commandLine(redis);
    expect(command).toMatch(/--maxmemory-policy\s+noeviction\b/);
    expect(command).toMatch(/--appendonly\s+yes\b/);
    expect(JSON.stringify(redis.volumes)).toContain(':/data');
    expect(JSON.stringify(record(redis.healthcheck, 'redis.healthcheck').test)).toContain('ping');
  });

  it('runs PostgreSQL with a health check and a data volume', () => {
    const postgres = service(composeConfig(), 'postgres');
    expect(String(postgres.image)).toMatch(/^postgres:/);
    expect(environment(postgres).POSTGRES_DB).toBe('duban');
    expect(JSON.stringify(record(postgres.healthcheck, 'postgres.healthcheck').test)).toContain(
      'pg_isready',
    );
    expect(JSON.stringify(postgres.volumes)).toContain(':/var/lib/postgresql/data');
  });

  it('points the app at the compose PostgreSQL and Redis, and waits for them to be healthy', () => {
    const config = composeConfig();
    const app = service(config, 'app');
    const env = environment(app);

    const db = new URL(env.DATABASE_URL ?? '');
    expect(db.protocol).toBe('postgres:');
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe(`/${environment(service(config, 'postgres')).POSTGRES_DB ?? ''}`);

    const redisUrl = new URL(env.REDIS_URL ?? '');
    expect(redisUrl.protocol).toBe('redis:');
    expect(redisUrl.hostname).toBe('redis');

    expect(env.DUBAN_CONFIG).toBe('/app/config/schedule.yaml');
    expect(JSON.stringify(app.volumes)).toMatch(/config:\/app\/config:ro/);

    const dependsOn = record(app.depends_on, 'app.depends_on');
    for (const name of ['redis', 'postgres']) {
      expect(record(dependsOn[name], `app.depends_on.${name}`).condition).toBe('service_healthy');
    }
  });

  it('holds no mail secrets itself and passes IMAP/SMTP settings through from the environment', () => {
    const bare = environment(service(composeConfig(), 'app'));
    for (const key of ['IMAP_PASSWORD', 'SMTP_PASSWORD', 'IMAP_HOST', 'SMTP_HOST']) {
      expect(bare[key]).toBe('');
    }

    const given = environment(
      service(
        composeConfig({ IMAP_HOST: 'imap.example.test', SMTP_PASSWORD: 'not-a-real-secret' }),
        'app',
      ),
    );
    expect(given.IMAP_HOST).toBe('imap.example.test');
    expect(given.SMTP_PASSWORD).toBe('not-a-real-secret');
  });
});

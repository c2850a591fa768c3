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
import { DUBAN_VARIABLES, loadConfig, type DubanConfig } from '../../src/config/env';

const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SECRETS_FILE = path.join(ROOT, 'docker-compose.secrets.yml');
const DOCKERFILE = path.join(ROOT, 'Dockerfile');
const MAILBOX = 'duban-inbox@example.cn';

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
function compose(
  args: string[],
  vars: Record<string, string> = {},
  files: string[] = [COMPOSE_FILE],
): ComposeRun {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars };
  if (process.env.HOME) env.HOME = process.env.HOME;
  const result = spawnSync(
    'docker-compose',
    ['--env-file', emptyEnvFile, ...files.flatMap((f) => ['-f', f]), ...args],
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
function composeConfig(
  vars: Record<string, string> = {},
  files: string[] = [COMPOSE_FILE],
): Record<string, unknown> {
  const useDefault = Object.keys(vars).length === 0 && files.length === 1;
  if (useDefault && defaultConfig) return defaultConfig;
  const run = compose(['config'], vars, files);
  if (run.status !== 0 || run.stderr !== '') {
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

  it("checks the app's health on /readyz with Node (the image has no curl) and publishes the console on the host's loopback only", () => {
    const app = service(composeConfig(), 'app');
    const check = record(app.healthcheck, 'app.healthcheck');
    const test = (check.test as unknown[]).map(String);
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    const script = test[3] ?? '';
    expect(script).toContain("fetch('http://127.0.0.1:8080/readyz')");
    expect(script).toMatch(/process\.exit\(r\.ok\?0:1\)/);
    expect(script).toMatch(/catch\(\(\)=>process\.exit\(1\)\)/);
    // The script itself runs: against a port nobody listens on, it exits 1 (unhealthy).
    const probe = spawnSync(process.execPath, ['-e', script.replace('8080', '9')], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(probe.status).toBe(1);
    // docker-compose 1.29 prints the short form, Compose v2 the long one.
    const published = (app.ports as unknown[]).map((p) =>
      typeof p === 'string'
        ? p.replace(/\/tcp$/, '')
        : (({ host_ip, published: port, target }: Record<string, unknown>) =>
            `${String(host_ip)}:${String(port)}:${String(target)}`)(record(p, 'port')),
    );
    expect(published).toEqual(['127.0.0.1:8080:8080']);
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

/**
 * The app's environment as duban reads it: the compose file's values, with `/run/secrets/<name>`
 * (where compose mounts a secret) read from `secrets` instead.
 */
function dubanConfig(
  env: Record<string, string>,
  secrets: Record<string, string> = {},
): DubanConfig {
  const dir = fs.mkdtempSync(path.join(tmpDir, 'secrets-'));
  for (const [name, value] of Object.entries(secrets))
    fs.writeFileSync(path.join(dir, name), value);
  const local = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v.replace(/^\/run\/secrets\//, `${dir}/`)]),
  );
  return loadConfig(local, {
    mailbox: MAILBOX,
    cwd: tmpDir,
    readFile: (file) => fs.readFileSync(file, 'utf8'),
  });
}

describe("the app's environment in docker-compose.yml", () => {
  it('passes only variables duban reads', () => {
    const env = environment(service(composeConfig(), 'app'));
    const known = new Set(DUBAN_VARIABLES);
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    // The names of other software that the first compose file passed, and duban never read.
    for (const name of ['IMAP_TLS', 'SMTP_TLS', 'SMTP_FROM']) expect(env).not.toHaveProperty(name);
  });

  it('passes every setting of the mailbox and the relay that .env may give, and nothing else is needed', () => {
    const env = environment(service(composeConfig(), 'app'));
    for (const name of [
      'IMAP_URL',
      'IMAP_HOST',
      'IMAP_PORT',
      'IMAP_SECURE',
      'IMAP_USER',
      'IMAP_PASSWORD',
      'IMAP_PASSWORD_FILE',
      'IMAP_MAILBOX',
      'SMTP_URL',
      'SMTP_HOST',
      'SMTP_PORT',
      'SMTP_SECURE',
      'SMTP_USER',
      'SMTP_PASSWORD',
      'SMTP_PASSWORD_FILE',
      'MAIL_FROM',
    ]) {
      expect(env).toHaveProperty(name, '');
    }
    // Unset, as compose passes it, the environment is valid: no mailbox, the file outbox.
    const config = dubanConfig(env);
    expect(config.imap).toBeNull();
    expect(config.mail.transport.mode).toBe('outbox');
    expect(config.database.location).toMatchObject({ dialect: 'postgres' });
  });

  it('reaches duban with the host forms: servers, ports, secure flags, password files, MAIL_FROM', () => {
    const env = environment(
      service(
        composeConfig({
          IMAP_HOST: 'imap.example.cn',
          IMAP_PORT: '143',
          IMAP_SECURE: 'false',
          IMAP_USER: 'office@example.cn',
          IMAP_PASSWORD_FILE: '/run/secrets/imap_password',
          SMTP_HOST: 'smtp.example.cn',
          SMTP_PORT: '465',
          SMTP_SECURE: 'true',
          SMTP_USER: 'office@example.cn',
          SMTP_PASSWORD_FILE: '/run/secrets/smtp_password',
          MAIL_FROM: 'office@example.cn',
        }),
        'app',
      ),
    );
    const config = dubanConfig(env, {
      imap_password: 'imap-code\n',
      smtp_password: 'smtp-code\n',
    });
    expect(config.imap).toMatchObject({
      host: 'imap.example.cn',
      port: 143,
      secure: false,
      user: 'office@example.cn',
      password: 'imap-code',
    });
    expect(config.mail.transport).toMatchObject({
      mode: 'smtp',
      host: 'smtp.example.cn',
      port: 465,
      secure: true,
      auth: { user: 'office@example.cn', pass: 'smtp-code' },
    });
    expect(config.mail.from).toBe('office@example.cn');
  });

  it('reaches duban with the URL forms', () => {
    const env = environment(
      service(
        composeConfig({
          IMAP_URL: 'imaps://office%40example.cn:imap-code@imap.example.cn:993/INBOX',
          SMTP_URL: 'smtps://office%40example.cn:smtp-code@smtp.example.cn:465',
        }),
        'app',
      ),
    );
    const config = dubanConfig(env);
    expect(config.imap).toMatchObject({ host: 'imap.example.cn', port: 993, secure: true });
    expect(config.mail.transport).toMatchObject({ host: 'smtp.example.cn', secure: true });
  });

  it('names in its comments only variables that duban (or PostgreSQL) reads', () => {
    for (const file of [COMPOSE_FILE, SECRETS_FILE]) {
      const comments = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trimStart().startsWith('#'))
        .join('\n');
      const named = new Set(
        [...comments.matchAll(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g)].map((m) => m[0]),
      );
      const known = new Set([...DUBAN_VARIABLES, 'POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE']);
      expect([...named].filter((name) => !known.has(name))).toEqual([]);
    }
  });
});

describe('docker-compose.secrets.yml', () => {
  const files = [COMPOSE_FILE, SECRETS_FILE];

  it('validates over the main file and gives PostgreSQL and duban their passwords from files under ./secrets, in *_FILE form', () => {
    const config = composeConfig(
      {
        IMAP_HOST: 'imap.example.cn',
        IMAP_USER: 'office@example.cn',
        SMTP_HOST: 'smtp.example.cn',
        SMTP_USER: 'office@example.cn',
      },
      files,
    );
    const secrets = record(config.secrets, 'secrets');
    for (const name of ['postgres_password', 'database_url', 'imap_password', 'smtp_password']) {
      expect(record(secrets[name], name).file).toBe(path.join(ROOT, 'secrets', name));
    }
    const postgres = environment(service(config, 'postgres'));
    expect(postgres.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(postgres.POSTGRES_PASSWORD).toBe('');

    const env = environment(service(config, 'app'));
    expect(Object.keys(env).filter((name) => !DUBAN_VARIABLES.includes(name))).toEqual([]);
    const url = 'postgres://duban:pg-secret@postgres:5432/duban';
    const dubanSees = dubanConfig(env, {
      database_url: `${url}\n`,
      imap_password: 'imap-code\n',
      smtp_password: 'smtp-code\n',
    });
    expect(dubanSees.database.url).toBe(url);
    expect(dubanSees.imap?.password).toBe('imap-code');
    expect(dubanSees.mail.transport).toMatchObject({ auth: { pass: 'smtp-code' } });
  });
});

describe('the Dockerfile', () => {
  const text = fs.readFileSync(DOCKERFILE, 'utf8');
  const runtime = text.slice(text.indexOf('AS runtime'));

  it('installs LibreOffice headless and bsdtar in the image the service runs in', () => {
    // The RUN instruction with its continuation lines joined.
    const joined = runtime.replace(/\\\n/g, ' ');
    const install = /^RUN .*apt-get install.*$/m.exec(joined)?.[0] ?? '';
    for (const pkg of ['libreoffice-calc-nogui', 'libreoffice-writer-nogui', 'libarchive-tools']) {
      expect(install.split(/\s+/)).toContain(pkg);
    }
  });

  it('runs the service, as an unprivileged user, under an init', () => {
    expect(text).not.toMatch(/not written/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV HOME=\/home\/node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    const cmd = /^CMD \["node", "dist\/(workers\/all)\.js"\]$/m.exec(runtime);
    expect(fs.existsSync(path.join(ROOT, `${cmd?.[1] ?? 'missing'}.ts`))).toBe(true);
  });
});

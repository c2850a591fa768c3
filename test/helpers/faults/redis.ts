/**
 * A private redis-server for the fault harness, on a free loopback port, without persistence
 * (`--save '' --appendonly no`): a restart loses every queued job, as a Redis without
 * persistence does in production. Started under the supervisor, so it cannot outlive the harness.
 */
import * as net from 'node:net';
import type { Incarnation, Supervisor } from './supervisor';

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SIGTERM, wait for the exit, then start it again on the same port. */
  restart(downMs?: number): Promise<void>;
}

const NAME = 'redis';

export async function startPrivateRedis(
  supervisor: Supervisor,
  cwd: string,
): Promise<PrivateRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = supervisor.start(NAME, {
      command: 'redis-server',
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--dir',
        cwd,
      ],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd,
    });
    try {
      await untilReady(port, started);
    } catch (err) {
      await supervisor.kill(started);
      // Another process may have taken the port between freePort() and the bind.
      if (attempt < 3) continue;
      throw err;
    }
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      async restart(downMs = 500) {
        const running = supervisor.current(NAME);
        if (running) await supervisor.kill(running, 'SIGTERM');
        await new Promise((r) => setTimeout(r, downMs));
        await untilReady(port, supervisor.restart(NAME));
      },
    };
  }
}

/** Resolves once redis answers PING on `port`; fails if the process exits first. */
async function untilReady(port: number, redis: Incarnation, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (redis.exit)
      throw new Error(`redis-server exited (${redis.exit.code ?? redis.exit.signal})`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server for tests that stop and restart Redis (an outage) or need it to forget
 * everything: a random free port, no persistence, spawned and killed by the test.
 *
 *   const redis = await startRedisServer();   // redis.url
 *   await redis.stop();  await redis.start(); // same port, empty
 *   await redis.dispose();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface RedisServer {
  port: number;
  url: string;
  /** Starts it (again) on the same port; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: an outage, not a shutdown); resolves when it has exited. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) return;
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const end = Date.now() + 10_000;
      while (!(await accepts(port))) {
        if (Date.now() > end) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await server.stop();
    },
  };
  await server.start();
  return server;
}

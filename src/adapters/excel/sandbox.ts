/**
 * Reading an untrusted sheet in a worker thread with memory and time limits, so that a
 * pathological file can fail only its own read and never the process (or a queue's lock renewal).
 *
 * `readIssueSheetSandboxed` starts a fresh worker per file (the CLI: simple, ~0.4 s of start-up).
 * `SheetReaderPool` keeps workers warm for a service and replaces one that hit a limit.
 */
import { Worker } from 'node:worker_threads';
import { DubanError } from '../../errors';
import type { ParsedSheet } from '../../domain/sheet/parse';
import { compiledModule } from '../../paths';
import { refusal } from './read-sheet';
import type { ReadDocumentOptions as ReadSheetOptions } from '../formats/read-document';
import type { SheetRequest } from './parse-worker';

export interface SandboxLimits {
  /** V8 old-generation heap of the worker. */
  maxHeapMb: number;
  timeoutMs: number;
}

export const DEFAULT_SANDBOX: SandboxLimits = { maxHeapMb: 256, timeoutMs: 20_000 };

const WORKER_FILE = compiledModule(__dirname, 'parse-worker');

type Reply = { id: number; ok: boolean; result?: ParsedSheet; message?: string };

function spawn(limits: SandboxLimits, workerData: SheetRequest | null): Worker {
  return new Worker(WORKER_FILE, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    stdout: false,
    stderr: false,
  });
}

function fromReply(msg: Reply): ParsedSheet {
  if (msg.ok && msg.result) return msg.result;
  return refusal(new DubanError('CORRUPT_WORKBOOK', msg.message ?? 'worker failed'));
}

function fromWorkerError(err: Error & { code?: string }, limits: SandboxLimits): ParsedSheet {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return refusal(new DubanError('PARSE_RESOURCE_LIMIT', `heap over ${limits.maxHeapMb} MB`));
  }
  return refusal(new DubanError('CORRUPT_WORKBOOK', `worker failed: ${err.message}`));
}

const timedOut = (limits: SandboxLimits): ParsedSheet =>
  refusal(new DubanError('PARSE_RESOURCE_LIMIT', `no answer within ${limits.timeoutMs} ms`));

/** One file, one fresh worker. */
export function readIssueSheetSandboxed(
  bytes: Buffer,
  options: ReadSheetOptions,
  limits: SandboxLimits = DEFAULT_SANDBOX,
): Promise<ParsedSheet> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = spawn(limits, { id: 0, bytes, options });
    const finish = (result: ParsedSheet): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish(timedOut(limits)), limits.timeoutMs);
    worker.on('message', (msg: Reply) => finish(fromReply(msg)));
    worker.on('error', (err) => finish(fromWorkerError(err, limits)));
    worker.on('exit', (code) =>
      finish(refusal(new DubanError('PARSE_RESOURCE_LIMIT', `worker exited with code ${code}`))),
    );
  });
}

interface Pending {
  request: SheetRequest;
  resolve(result: ParsedSheet): void;
}

/**
 * Warm workers reading sheets one at a time each. A worker that times out or runs out of memory
 * is terminated and replaced; only the sheet it was reading fails.
 */
export class SheetReaderPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, { pending: Pending; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size = 1,
    private readonly limits: SandboxLimits = DEFAULT_SANDBOX,
  ) {}

  /**
   * Starts every worker now, so that no sheet waits for (or is charged with) a worker's start-up
   * (module loading, ~0.2–0.4 s of CPU each). For long-running services.
   */
  warm(): void {
    while (!this.closed && this.idle.length + this.busy.size < this.size) {
      this.idle.push(this.start());
    }
  }

  read(bytes: Buffer, options: ReadSheetOptions): Promise<ParsedSheet> {
    if (this.closed) return Promise.reject(new Error('SheetReaderPool is closed'));
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, bytes, options }, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.start() : null);
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      const timer = setTimeout(
        () => this.fail(worker, timedOut(this.limits)),
        this.limits.timeoutMs,
      );
      this.busy.set(worker, { pending, timer });
      // A Buffer is often a view into a larger ArrayBuffer (a mail's decoded body, Node's pool),
      // and cloning a view copies all of its ArrayBuffer: send an exact copy, transferred.
      const bytes = new Uint8Array(pending.request.bytes);
      worker.postMessage({ ...pending.request, bytes }, [bytes.buffer]);
    }
  }

  private start(): Worker {
    const worker = spawn(this.limits, null);
    worker.on('message', (msg: Reply) => {
      const job = this.busy.get(worker);
      if (!job || job.pending.request.id !== msg.id) return;
      clearTimeout(job.timer);
      this.busy.delete(worker);
      job.pending.resolve(fromReply(msg));
      if (this.closed) void worker.terminate();
      else this.idle.push(worker);
      this.pump();
    });
    worker.on('error', (err) => this.fail(worker, fromWorkerError(err, this.limits)));
    worker.on('exit', () =>
      this.fail(worker, refusal(new DubanError('PARSE_RESOURCE_LIMIT', 'worker exited'))),
    );
    return worker;
  }

  /** Ends the worker's current read with `result` and replaces the worker. */
  private fail(worker: Worker, result: ParsedSheet): void {
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const job = this.busy.get(worker);
    if (job) {
      clearTimeout(job.timer);
      this.busy.delete(worker);
      job.pending.resolve(result);
    }
    void worker.terminate();
    this.pump();
  }

  /** Stops taking work, lets reads in progress finish, and stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0))
      p.resolve(refusal(new DubanError('PARSE_RESOURCE_LIMIT', 'shutting down')));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
    await Promise.all(
      [...this.busy.keys()].map(
        (w) => new Promise<void>((resolve) => w.once('exit', () => resolve())),
      ),
    );
  }
}

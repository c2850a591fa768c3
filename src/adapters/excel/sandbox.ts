/**
 * Reading an untrusted sheet in a worker thread with memory and time limits, so that a
 * pathological file can fail only its own read and never the process (or a queue's lock renewal).
 */
import { Worker } from 'node:worker_threads';
import { DubanError } from '../../errors';
import type { ParsedSheet } from '../../domain/sheet/parse';
import { compiledModule } from '../../paths';
import { refusal, type ReadSheetOptions } from './read-sheet';

export interface SandboxLimits {
  /** V8 old-generation heap of the worker. */
  maxHeapMb: number;
  timeoutMs: number;
}

export const DEFAULT_SANDBOX: SandboxLimits = { maxHeapMb: 256, timeoutMs: 20_000 };

const WORKER_FILE = compiledModule(__dirname, 'parse-worker');

export function readIssueSheetSandboxed(
  bytes: Buffer,
  options: ReadSheetOptions,
  limits: SandboxLimits = DEFAULT_SANDBOX,
): Promise<ParsedSheet> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER_FILE, {
      workerData: { bytes, options },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    const finish = (result: ParsedSheet): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const limitHit = (why: string): void =>
      finish(refusal(new DubanError('PARSE_RESOURCE_LIMIT', why)));
    const timer = setTimeout(
      () => limitHit(`no answer within ${limits.timeoutMs} ms`),
      limits.timeoutMs,
    );
    worker.on('message', (msg: { ok: boolean; result?: ParsedSheet; message?: string }) => {
      if (msg.ok && msg.result) finish(msg.result);
      else finish(refusal(new DubanError('CORRUPT_WORKBOOK', msg.message ?? 'worker failed')));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') limitHit(`heap over ${limits.maxHeapMb} MB`);
      else finish(refusal(new DubanError('CORRUPT_WORKBOOK', `worker failed: ${err.message}`)));
    });
    worker.on('exit', (code) => limitHit(`worker exited with code ${code}`));
  });
}

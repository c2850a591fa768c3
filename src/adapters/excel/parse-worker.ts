/**
 * Worker-thread entry for sandboxed sheet reading (see sandbox.ts): one request, one answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readIssueSheet, type ReadSheetOptions } from './read-sheet';

interface Request {
  bytes: Uint8Array;
  options: ReadSheetOptions;
}

const request = workerData as Request;
readIssueSheet(
  Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength),
  request.options,
).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (err: unknown) =>
    parentPort?.postMessage({ ok: false, message: (err as Error)?.message ?? String(err) }),
);

/**
 * Worker-thread entry for sandboxed sheet reading (see sandbox.ts). Started with a request in
 * workerData it answers once (the CLI); started without, it serves requests posted to it one at
 * a time (the pool in pool.ts keeps it warm between sheets).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readDocument, type ReadDocumentOptions } from '../formats/read-document';

export interface SheetRequest {
  id: number;
  bytes: Uint8Array;
  options: ReadDocumentOptions;
}

function answer(request: SheetRequest): void {
  const bytes = Buffer.from(
    request.bytes.buffer,
    request.bytes.byteOffset,
    request.bytes.byteLength,
  );
  readDocument(bytes, request.options).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result }),
    (err: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        message: (err as Error)?.message ?? String(err),
      }),
  );
}

const initial = workerData as SheetRequest | null | undefined;
if (initial) answer(initial);
else parentPort?.on('message', (request: SheetRequest) => answer(request));

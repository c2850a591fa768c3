/**
 * The private Dovecot for tests: the implementation is src/dev/dovecot.ts (compiled into dist/,
 * so that the demo and the benchmarks can start one too); this adds the jest lifecycle.
 *
 *   const dovecot = useDovecot();                       // jest: started in beforeAll
 *   await dovecot.server.append('INBOX', raw, [], new Date('2021-03-15T01:00:00Z'));
 *
 * or by hand: `const d = await startDovecot(); … await d.dispose();`.
 */
import { startDovecot, type Dovecot } from '../../src/dev/dovecot';

export * from '../../src/dev/dovecot';

export interface DovecotHandle {
  /** The instance started in beforeAll. */
  readonly server: Dovecot;
}

/** Jest: one private Dovecot for the enclosing describe block (beforeAll / afterAll). */
export function useDovecot(): DovecotHandle {
  let server: Dovecot | undefined;
  beforeAll(async () => {
    server = await startDovecot();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return {
    get server() {
      if (!server) throw new Error('Dovecot was not started (see beforeAll)');
      return server;
    },
  };
}

/**
 * The service under faults, bounded in time (about two minutes): four real service processes
 * (two intake+outbound, two full-role `duban serve` at once) on a fresh PostgreSQL database, a
 * private Redis, a private Dovecot and an SMTP capture server; 30 real sheets from five units
 * (first sheets, corrections, a few mails without a sheet, one first sheet per week delivered
 * after its correction) APPENDed over 20 s while processes are SIGKILLed mid-intake
 * (after-submission failpoint) and mid-send (after-delivery failpoint), the watcher's lease
 * holder is SIGKILLed, Redis is restarted and SMTP answers 451 for two windows. Once quiescent,
 * each promise of the data path is checked on its own (test/helpers/faults/invariants.ts).
 *
 * The longer version, N mails and random faults: bench/fault-harness.js (bench/README.md).
 */
import { INVARIANTS, type InvariantKey } from '../helpers/faults/invariants';
import { runFaultScenario, type FaultRun } from '../helpers/faults/scenario';
import { testPostgresUrl } from '../helpers/db';

jest.setTimeout(30_000);

describe('the service under faults (4 processes, PostgreSQL, private Redis and Dovecot)', () => {
  let run: FaultRun | undefined;
  let failure: unknown;

  beforeAll(async () => {
    try {
      run = await runFaultScenario({
        mails: 30,
        mailPhaseMs: 20_000,
        quiesceTimeoutMs: 100_000,
        faults: 'scripted',
        failpointKills: 2,
        postgresUrl: testPostgresUrl(),
        keepDir: process.env.FAULTS_KEEP === '1',
      });
    } catch (err) {
      failure = err;
    }
  }, 220_000);

  afterAll(() => {
    if (!run) return;
    const broken = Object.values(run.report.violations).some((v) => v.length > 0);
    if (broken || !run.quiescent) {
      console.info(
        [
          `fault run: ${(run.durationMs / 1000).toFixed(0)} s, quiescent: ${run.quiescent}`,
          `faults: ${JSON.stringify(run.report.tally)}`,
          `counts: ${JSON.stringify(run.report.counts)}`,
          ...run.timeline,
        ].join('\n'),
      );
    }
  });

  const violationsOf = (key: InvariantKey): string[] => {
    if (!run) throw failure instanceof Error ? failure : new Error(String(failure));
    return run.report.violations[key];
  };
  const invariant = (key: InvariantKey): void => {
    it(INVARIANTS[key], () => {
      expect(violationsOf(key)).toEqual([]);
    });
  };

  it('reaches quiescence: every mail stored, processed and answered', () => {
    violationsOf('stored');
    expect(run?.quiescent).toBe(true);
  });
  invariant('faultsHappened');
  invariant('stored');
  invariant('processed');
  invariant('answered');
  invariant('answeredOnce');
  invariant('auditedDuplicates');
  invariant('oneSubmission');
  invariant('latestCurrent');
  invariant('noneUnsent');
  invariant('leases');
  invariant('jsonLogs');
  invariant('noCrash');
  invariant('retryDelay');
  invariant('redisNotMailbox');
});

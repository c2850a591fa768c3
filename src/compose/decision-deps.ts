/** The agreed items' use cases wired over a database (and, to mail, over the runtime). */
import type { Db } from '../adapters/storage';
import type { DecisionDeps, DecisionMailDeps } from '../app/decisions/deps';
import type { Schedule } from '../config/schedule';
import { decisionStoreOver } from './decisions';
import type { Runtime } from './runtime';
import { outboxFor } from './week-deps';

export function decisionDepsOver(db: Db, schedule: Schedule): DecisionDeps {
  return { decisions: decisionStoreOver(db, schedule), schedule };
}

/** For the use cases that also mail (send back): the runtime's outbox, dated at each run. */
export function decisionMailDeps(
  runtime: Runtime,
  enqueueOutbound?: (mailKey: string) => Promise<void>,
): DecisionMailDeps {
  return {
    ...decisionDepsOver(runtime.db, runtime.schedule),
    outboxAt: (now) => outboxFor({ ...runtime.deliverDeps(), now: () => now }),
    from: runtime.intake.from,
    workerName: runtime.workerName,
    logger: runtime.logger,
    ...(enqueueOutbound ? { enqueueOutbound } : {}),
  };
}

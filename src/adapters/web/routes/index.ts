/**
 * Every route of the console, in one list: the server registers it and the security tests walk
 * it, so a route added here is guarded like the others. Each module adds its factory's list.
 */
import { StorageBoardReads } from '../../storage/board-reads';
import { StorageAssessmentReads } from '../../storage/assessment-reads';
import { StorageDecisionStore } from '../../storage/decision-store';
import { StorageWeekReads } from '../../storage/week-reads';
import type { WebDeps } from '../deps';
import type { ConsoleRoute } from '../route';
import { assessmentRoutes } from './assessment';
import { closeItem, reopenItem, sendBackItem } from '../../../app/decisions/state';
import { recordItemList } from '../../../app/decisions/record-list';
import { boardRoutes } from './board';
import { decisionRoutes, type DecisionActions } from './decisions';
import { officeRoutes } from './office';
import { operatorRoutes } from './operator';
import { opsRoutes } from './ops';
import { signInRoutes } from './sign-in';

/** The office's actions on agreed items, as the use cases implement them. */
export const DECISION_ACTIONS: DecisionActions = {
  close: closeItem,
  sendBack: sendBackItem,
  reopen: reopenItem,
  record: recordItemList,
};

export function consoleRoutes(deps: WebDeps): ConsoleRoute[] {
  return [
    ...signInRoutes(deps),
    ...boardRoutes({ reads: new StorageBoardReads(deps.db), schedule: deps.schedule }),
    ...(deps.office ? officeRoutes(deps.office) : []),
    ...assessmentRoutes({
      assessment: {
        weeks: new StorageWeekReads(deps.db),
        decisions: new StorageDecisionStore(deps.db),
        reads: new StorageAssessmentReads(deps.db),
      },
      schedule: deps.schedule,
    }),
    ...(deps.operator ? operatorRoutes(deps.operator) : []),
    ...(deps.ops ? opsRoutes(deps.ops) : []),
    ...(deps.decisions
      ? decisionRoutes({
          decisions: deps.decisions,
          schedule: deps.schedule,
          ...(deps.decisionMail ? { mail: deps.decisionMail } : {}),
          actions: DECISION_ACTIONS,
        })
      : []),
  ];
}

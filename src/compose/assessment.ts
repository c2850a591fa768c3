/** Wiring for the assessment record: its ports over a database. */
import { StorageAssessmentReads } from '../adapters/storage/assessment-reads';
import type { Db } from '../adapters/storage';
import type { AssessmentDeps } from '../app/assessment/build';
import { decisionStoreOver } from './decisions';
import { weekReadsOver } from './week-deps';

export function assessmentDepsOver(db: Db): AssessmentDeps {
  return {
    weeks: weekReadsOver(db),
    decisions: decisionStoreOver(db),
    reads: new StorageAssessmentReads(db),
  };
}

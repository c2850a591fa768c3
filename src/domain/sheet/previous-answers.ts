/**
 * Last week's answers of a unit, as a pre-filled template carries them: read from the unit's
 * current sheet of the previous week by the reminders and `duban template`, written by the
 * template writer.
 */
import type { ProblemCategory, TargetStatus } from './layout';

export interface PreviousTarget {
  text: string;
  status: TargetStatus | null;
}

/** One project's answers from the unit's current sheet of the previous week. */
export interface PreviousProject {
  /** The schedule project id the answers belong to. */
  projectId: string;
  problems: Record<ProblemCategory, string | null>;
  /** Problem text written outside the five prompts last week (kept, before the prompts). */
  uncategorizedProblems: string | null;
  responsibleDepartments: string[];
  progress: string | null;
  nextSteps: string | null;
  targets: PreviousTarget[];
}

/** Last week's answers to pre-fill the sheet with. */
export interface PreviousAnswers {
  /** The reporting week they were sent for (its Monday). */
  week: string;
  projects: PreviousProject[];
}

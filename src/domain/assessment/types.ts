/**
 * The assessment record (考评, 四(一) of the notice): per unit, facts only, each with a definition
 * the office can read (the notes sheet of the workbook, the console, the README). No hidden
 * score: a score appears only when the schedule defines weights, with its formula.
 *
 * This is also the JSON of `duban assessment --json`: { from, to, units: [AssessmentFacts] }.
 */

export interface AssessmentFacts {
  /** The unit's id in the schedule. */
  unit: string;
  /** Reporting weeks in the period whose deadline fell in the period and the unit was expected. */
  weeksExpected: number;
  /** Of those: the first usable sheet arrived by the deadline. */
  onTime: number;
  /** Of those: the first usable sheet arrived after the deadline (within the late window). */
  late: number;
  /** Of those: no usable sheet counted for the week (includes notUsable). */
  missing: number;
  /** Of the missing weeks: something arrived from the unit but could not be used. */
  notUsable: number;
  /** Correction requests sent to the unit in the period (sheets refused or with errors). */
  correctionsRequested: number;
  /** Reminders (not escalations) sent to the unit in the period. */
  reminders: number;
  /** Escalations: reminder stages addressed beyond the unit (its head, the leader …). */
  escalations: number;
  /** Targets of the unit's projects with a due date in the period. */
  targetsDue: number;
  /** Of those: reported 已完成 in a sheet that arrived by the due date. */
  targetsMetOnTime: number;
  /** Of those: not reported 已完成 by the due date. */
  targetsOverdue: number;
  /** Agreed items with the unit responsible whose meeting fell in the period. */
  itemsAssigned: number;
  /** Items of the unit closed (confirmed) in the period by their time limit. */
  itemsClosedOnTime: number;
  /** Items of the unit closed in the period after their time limit. */
  itemsClosedLate: number;
  /** Items of the unit open at the end of the period. */
  itemsOpen: number;
  /** Of the open items: past their time limit at the end of the period. */
  itemsOverdue: number;
  /** Supervision notices of each colour sent to the unit in the period. */
  noticesBlue: number;
  noticesYellow: number;
  noticesRed: number;
  /** Present only when the schedule defines weights. */
  score?: { value: number; formula: string };
}

export type AssessmentFactName = Exclude<keyof AssessmentFacts, 'unit' | 'score'>;

export interface AssessmentRecord {
  from: string;
  to: string;
  units: AssessmentFacts[];
}

/**
 * The office's schedule, as duban uses it after loading and validating `schedule.yaml`.
 * The YAML uses snake_case keys (see config/schedule.example.yaml); this is the normalised,
 * camelCase model the rest of the code reads. Dates are ISO calendar dates ("2021-03-25")
 * in the programme's timezone; times are "HH:MM" wall-clock times in that timezone.
 */

export type IsoDate = string;
export type WallTime = string;
export type Weekday =
  'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export interface Person {
  /** Stable id used for cross-references (e.g. a project's responsible leader). */
  id: string;
  /** A role or title ("召集人（副区长）"), never a real person's name in examples. */
  title: string;
  email: string;
}

export interface OfficeMember extends Person {
  /** Receives configuration errors and operational alerts; the console's admin role (/ops). */
  admin: boolean;
}

export interface Recipients {
  to: string[];
  cc: string[];
}

export interface Unit {
  id: string;
  /** Display name, as "区教育局". */
  name: string;
  /** Other ways the unit is written in sheets ("教育局"). */
  aliases: string[];
  /** Sender addresses, lower-cased; an address belongs to one unit only. */
  addresses: string[];
  /** Who receives reminders. */
  remind: Recipients;
  /** The unit's head, copied on escalations. */
  head: Person | null;
}

export interface Target {
  text: string;
  due: IsoDate;
}

export interface Project {
  id: string;
  /** Official name, as in the notice. */
  name: string;
  aliases: string[];
  /** Lead unit ids (one or more). */
  leadUnits: string[];
  /** Convenor id: the project's responsible leader (项目负责领导). */
  responsibleLeader: string;
  targets: Target[];
}

/** Who a reminder stage or digest is addressed to. */
export type Audience =
  | 'unit' // the unit's reminder recipients
  | 'unit_head' // the unit's head
  | 'responsible_leader' // the project's responsible convenor
  | 'chief_convenor'
  | 'convenors'
  | 'office';

export interface ReminderStage {
  id: string;
  /** Days relative to the (holiday-shifted) deadline day: 0 = that day, 1 = the next day. */
  offsetDays: number;
  /** When true, offsetDays counts working days rather than calendar days. */
  workingDays: boolean;
  time: WallTime;
  to: Audience[];
  cc: Audience[];
}

export interface DigestSpec {
  weekday: Weekday;
  time: WallTime;
  to: Audience[];
  cc: Audience[];
}

export type HolidayRule = 'next_working_day' | 'previous_working_day' | 'keep';

export interface CalendarYear {
  year: number;
  /** Public holidays (non-working days), every single date listed (ranges expanded). */
  holidays: IsoDate[];
  /** Make-up working days (调休) that fall on weekends. */
  workdays: IsoDate[];
}

/**
 * Following up the joint meeting's agreed items (议定事项): the thresholds of the three-colour
 * supervision notices (督办单) and the weekly mail to responsible departments.
 */
export interface FollowUpSpec {
  /** Blue notice: this many working days before an item's time limit, when not reported done (default 3). */
  blueWorkingDays: number;
  /** Yellow notice: no new progress reported on an open item for this many reporting weeks (default 2). */
  yellowWeeksWithoutProgress: number;
  /** When the daily follow-up run sends the notices that are due (default "09:00"). */
  time: WallTime;
  /** Send each responsible department a weekly list of the open problems naming it (default false). */
  departmentMail: boolean;
}

/** The assessment record (考评): facts only; a score only when the office defines weights. */
export interface AssessmentSpec {
  /**
   * Weight of each fact (a key of AssessmentFacts, e.g. onTime: 2, missing: -5); null = no
   * score is shown.
   */
  weights: Record<string, number> | null;
}

export interface Schedule {
  version: 1;
  programme: {
    name: string;
    timezone: string;
    activeFrom: IsoDate;
    activeTo: IsoDate | null;
    /** The office mailbox sheets are sent to, and the From of every automatic mail. */
    mailbox: string;
    /** How automatic mails are signed ("联合会议办公室"). */
    signature: string;
  };
  people: {
    chiefConvenor: Person;
    convenors: Person[];
    office: OfficeMember[];
    /**
     * The supervision office (督查室): receives red supervision notices (三(四) of the notice).
     * Empty when the schedule names none.
     */
    supervision: Person[];
  };
  units: Unit[];
  projects: Project[];
  cycle: {
    deadline: { weekday: Weekday; time: WallTime };
    onHoliday: HolidayRule;
    /**
     * A sheet arriving after a deadline counts, late, for the week just past until the end of
     * this many working days after the deadline day (or until that week's digest went out).
     */
    lateWindowWorkingDays: number;
    reminders: ReminderStage[];
    digest: DigestSpec;
  };
  calendar: {
    remindOnNonWorkingDays: boolean;
    years: CalendarYear[];
  };
  followUp: FollowUpSpec;
  assessment: AssessmentSpec;
}

export const FOLLOW_UP_DEFAULTS: FollowUpSpec = {
  blueWorkingDays: 3,
  yellowWeeksWithoutProgress: 2,
  time: '09:00',
  departmentMail: false,
};

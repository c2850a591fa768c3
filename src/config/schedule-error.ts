/**
 * A schedule problem as data: its kind and the values its message needs. The validator
 * (load-schedule.ts, schedule-schema.ts, schedule-checks.ts) produces these; the words are added
 * only when it is shown, by formatScheduleError (schedule-error-format.ts) from one table per
 * language (schedule-error-en.ts, schedule-error-zh.ts), so no message is written twice and the
 * office reads every one in zh-CN.
 *
 * Every parameter is plain JSON, so a structured error can be stored, logged and sent to the
 * console as it is.
 */

/** The languages a schedule error is rendered in. */
export type Lang = 'zh-CN' | 'en';

export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A value as written in the file, as messages quote it (lists and mappings as JSON text). */
export type Scalar = string | number | boolean | null;

/** Where the other half of a clash is: its field path and line. */
export interface PlaceRef {
  path: string;
  line: number;
}

/** What was found where something else was expected. */
export interface Found {
  type: 'nothing' | 'text' | 'number' | 'boolean' | 'list' | 'mapping';
  /** The text (capped), the number or the boolean, as written. */
  text?: string;
}

/** The kind of value a wrong-type message asks for. */
export type Expected =
  'string' | 'number' | 'int' | 'boolean' | 'array' | 'object' | 'record' | 'other';

/** Which id a malformed id was meant to be. */
export type IdOf = 'person' | 'unit' | 'project' | 'reminder stage';

type None = Record<string, never>;

/** Each kind of schedule problem, with the values its message needs. */
export interface ScheduleErrorParams {
  // Reading the file.
  file_missing: None;
  file_is_directory: None;
  file_permission: None;
  file_unreadable: { reason: string };
  not_utf8: None;
  // YAML syntax.
  yaml_duplicate_key: None;
  yaml_tab_indent: None;
  yaml_multiple_docs: None;
  /** Any other YAML error: the yaml package's code (BAD_INDENT …) and its English text. */
  yaml_syntax: { yamlCode: string; detail: string };
  /** The document parsed but cannot be turned into values (e.g. too many aliases). */
  yaml_unresolvable: { detail: string };
  // Shape (the zod schema).
  empty_file: None;
  root_not_mapping: { found: Found };
  required_key: { key: string };
  no_value: { key?: string; expected: Expected };
  wrong_type: { expected: Expected; found: Found; hint?: 'quote' | 'boolean' | 'list' };
  not_allowed: { value: Scalar; allowed: string[]; suggestion?: string };
  not_a_year: { key: string };
  list_too_short: { minimum: number };
  must_not_be_empty: None;
  unknown_key: { key: string; allowed: string[]; suggestion?: string };
  invalid_id: { value: Scalar; idOf: IdOf };
  invalid_email: { value: Scalar; suggestion?: string };
  date_format: { value: Scalar };
  date_not_real: { value: string };
  time_as_number: { value: number };
  time_format: { value: string; padded?: string };
  weekday: { value: Scalar; allowed: string[]; suggestion?: string };
  audience: { value: Scalar; allowed: string[]; suggestion?: string };
  digest_audience_unit_only: { value: string; allowed: string[] };
  digest_audience: { value: Scalar; allowed: string[]; suggestion?: string };
  holiday_rule: { value: Scalar; allowed: string[]; suggestion?: string };
  calendar_entry_format: { value: Scalar };
  range_reversed: { value: string };
  timezone: { value: string; example: string; suggestion?: string };
  version: None;
  offset_days_whole: None;
  offset_days_range: None;
  late_window_whole: None;
  late_window_negative: None;
  late_window_max: None;
  unit_addresses_empty: None;
  remind_to_empty: None;
  lead_units_empty: None;
  targets_empty: None;
  stage_to_empty: None;
  digest_to_empty: None;
  convenors_empty: None;
  office_empty: None;
  units_empty: None;
  projects_empty: None;
  // Follow-up of agreed items and the assessment.
  blue_days_whole: None;
  blue_days_range: None;
  yellow_weeks_whole: None;
  yellow_weeks_range: None;
  weights_empty: None;
  /** A key under assessment.weights that is not an assessment fact. */
  unknown_fact: { fact: string; allowed: string[]; suggestion?: string };
  /** A schema issue no message was written for (zod's own English text). */
  other: { text: string };
  // Cross-references (schedule-checks.ts).
  person_id_taken: { id: string; first: PlaceRef };
  head_id_taken: { unit: string; generated: string; first: PlaceRef };
  no_admin: None;
  unit_id_taken: { id: string; first: PlaceRef };
  address_repeated: { address: string };
  /** `unit` is the unit's id, or its path (units[3]) when it has none. */
  address_taken: { address: string; unit: string; unitHasId: boolean; first: PlaceRef };
  address_is_mailbox: { address: string };
  unit_name_taken: { name: string; other: string; first: PlaceRef };
  project_name_taken: { name: string; other: string; first: PlaceRef };
  project_id_taken: { id: string; first: PlaceRef };
  lead_unit_repeated: { unit: string };
  /** byName: the unit's name was written where its id belongs; suggestion is then that id. */
  unknown_unit: { unit: string; byName: boolean; suggestion?: string };
  leader_is_chief: { leader: string; convenors: string[] };
  leader_is_office: { leader: string; convenors: string[] };
  unknown_leader: { leader: string; convenors: string[]; suggestion?: string };
  stage_id_taken: { id: string; first: PlaceRef };
  to_and_cc: { audience: string };
  period_reversed: { from: string; to: string };
  date_outside_year: { date: string; year: string; other: string };
  range_outside_year: { value: string; year: string; other: string };
  long_range: { value: string; days: number };
  holiday_and_workday: { date: string; first: PlaceRef };
  workday_not_weekend: { date: string; weekday: string };
  no_calendar_year: { year: number };
}

export type ScheduleErrorKind = keyof ScheduleErrorParams;

/** A kind with its values (the message, without position). */
export type ScheduleErrorDetail = {
  [K in ScheduleErrorKind]: { kind: K; params: ScheduleErrorParams[K] };
}[ScheduleErrorKind];

/** One problem of a schedule file, where it is and what it is. */
export interface ConfigError {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (it cannot be read). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** Where in the document, e.g. projects[2].lead_units[1]; empty for the file as a whole. */
  path: string;
  kind: ScheduleErrorKind;
  params: ScheduleErrorParams[ScheduleErrorKind];
  /** The English sentence (for logs and English output); formatScheduleError renders any language. */
  message: string;
}

/** A detail, type-checked against its kind. */
export function detail<K extends ScheduleErrorKind>(
  kind: K,
  ...params: ScheduleErrorParams[K] extends None ? [] : [ScheduleErrorParams[K]]
): ScheduleErrorDetail {
  return { kind, params: params[0] ?? {} } as ScheduleErrorDetail;
}

// zod carries only a message per issue: a detail travels through it encoded, and is decoded by
// the loader. Nothing outside src/config sees the encoded form.
const MARK = '\u0000schedule-error\u0000';

export function encodeDetail(d: ScheduleErrorDetail): string {
  return `${MARK}${JSON.stringify(d)}`;
}

/** The detail carried by a zod issue's message; zod's own text becomes an "other" detail. */
export function decodeDetail(message: string): ScheduleErrorDetail {
  if (message.startsWith(MARK)) {
    return JSON.parse(message.slice(MARK.length)) as ScheduleErrorDetail;
  }
  return { kind: 'other', params: { text: message } };
}

/** A value as written, for messages: text and scalars as they are, anything else as JSON. */
export function scalar(value: unknown): Scalar {
  if (value === undefined) return null;
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return value as Scalar;
  }
  return JSON.stringify(value) ?? null;
}

/** `params` with `suggestion` set when there is one (absent, not undefined, for plain JSON). */
export function withSuggestion<T extends object>(
  params: T,
  suggestion: string | undefined,
): T & { suggestion?: string } {
  return suggestion === undefined ? params : { ...params, suggestion };
}

/** A detail encoded for a zod error option (decoded again by the loader). */
export function says<K extends ScheduleErrorKind>(
  kind: K,
  ...params: ScheduleErrorParams[K] extends None ? [] : [ScheduleErrorParams[K]]
): string {
  return encodeDetail(detail(kind, ...params));
}

/** Why a file could not be read, from its error code (ENOENT, EACCES …). */
export function readFailureDetail(code: string): ScheduleErrorDetail {
  if (code === 'ENOENT') return detail('file_missing');
  if (code === 'EISDIR') return detail('file_is_directory');
  if (code === 'EACCES' || code === 'EPERM') return detail('file_permission');
  return detail('file_unreadable', { reason: code });
}

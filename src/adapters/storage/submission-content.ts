/** A submission's content: its project blocks and their target rows, in sheet order. */
import type { ProblemCategory } from '../../domain/sheet/layout';
import type { Db } from './connection';
import { chunks, json, optionalIsoDate } from './codecs';
import type { IsoDateText, SubmissionProjectRow, SubmissionTargetRow } from './schema';

export interface NewSubmissionTarget {
  text: string;
  due?: IsoDateText | null;
  dueText?: string | null;
  status?: string | null;
  cell?: string | null;
}

export interface NewSubmissionProject {
  nameAsWritten: string;
  projectId?: string | null;
  leadUnits: readonly string[];
  problems: Partial<Record<ProblemCategory, string | null>>;
  uncategorizedProblems?: string | null;
  responsibleDepartments: readonly string[];
  progress?: string | null;
  nextSteps?: string | null;
  remarks?: string | null;
  cell?: string | null;
  targets: readonly NewSubmissionTarget[];
}

/**
 * Writes the projects and targets of a new submission with multi-row inserts (one statement for
 * the projects and one for the targets, for any sheet of up to 200 of each). Run it inside the
 * transaction that records the submission.
 */
export async function writeSubmissionContent(
  tx: Db,
  submissionId: number,
  projects: readonly NewSubmissionProject[],
): Promise<void> {
  if (projects.length === 0) return;
  const idByOrdinal = new Map<number, number>();
  const projectRows = projects.map((project, ordinal) => ({
    submission_id: submissionId,
    ordinal,
    name_as_written: project.nameAsWritten,
    project_id: project.projectId ?? null,
    lead_units_json: json(project.leadUnits),
    problems_approval: project.problems.approval ?? null,
    problems_funding: project.problems.funding ?? null,
    problems_land: project.problems.land ?? null,
    problems_construction: project.problems.construction ?? null,
    problems_community: project.problems.community ?? null,
    uncategorized_problems: project.uncategorizedProblems ?? null,
    responsible_departments_json: json(project.responsibleDepartments),
    progress: project.progress ?? null,
    next_steps: project.nextSteps ?? null,
    remarks: project.remarks ?? null,
    cell: project.cell ?? null,
  }));
  for (const batch of chunks(projectRows)) {
    // RETURNING order is not promised by either dialect: ids are matched by ordinal.
    const inserted = await tx.kysely
      .insertInto('submission_projects')
      .values(batch)
      .returning(['id', 'ordinal'])
      .execute();
    for (const row of inserted) idByOrdinal.set(row.ordinal, row.id);
  }

  const targetRows = projects.flatMap((project, ordinal) =>
    project.targets.map((target, targetOrdinal) => ({
      submission_project_id: idByOrdinal.get(ordinal) ?? missing(ordinal),
      ordinal: targetOrdinal,
      text: target.text,
      due: optionalIsoDate(target.due, 'target due'),
      due_text: target.dueText ?? null,
      status: target.status ?? null,
      cell: target.cell ?? null,
    })),
  );
  for (const batch of chunks(targetRows)) {
    await tx.kysely.insertInto('submission_targets').values(batch).execute();
  }
}

function missing(ordinal: number): never {
  throw new Error(`project ${ordinal} was inserted but its id did not come back`);
}

export interface SubmissionProjectContent extends SubmissionProjectRow {
  targets: SubmissionTargetRow[];
}

/** The projects of a submission, in sheet order, each with its targets in sheet order. */
export async function submissionContent(
  db: Db,
  submissionId: number,
): Promise<SubmissionProjectContent[]> {
  return (await submissionsContent(db, [submissionId])).get(submissionId) ?? [];
}

/** Ids per IN list: far below both databases' bound parameters. */
const IDS_PER_QUERY = 1000;

/**
 * The content of many submissions in two queries (and one more per thousand ids): by
 * submission id, the projects in sheet order, each with its targets in sheet order. A
 * submission without projects is absent.
 */
export async function submissionsContent(
  db: Db,
  submissionIds: readonly number[],
): Promise<Map<number, SubmissionProjectContent[]>> {
  const projects = await byIds(submissionIds, (ids) =>
    db.kysely
      .selectFrom('submission_projects')
      .selectAll()
      .where('submission_id', 'in', ids)
      .orderBy('submission_id')
      .orderBy('ordinal')
      .execute(),
  );
  const targets = await byIds(
    projects.map((p) => p.id),
    (ids) =>
      db.kysely
        .selectFrom('submission_targets')
        .selectAll()
        .where('submission_project_id', 'in', ids)
        .orderBy('submission_project_id')
        .orderBy('ordinal')
        .execute(),
  );
  // Grouped once: filtering every list per submission and per project grows with the square
  // of a large programme's history (500 projects × 13 weeks).
  const targetsByProject = groupBy(targets, (t) => t.submission_project_id);
  const withTargets = projects.map((p) => ({ ...p, targets: targetsByProject.get(p.id) ?? [] }));
  return groupBy(withTargets, (p) => p.submission_id);
}

/** The rows `read` finds for `ids`, read IDS_PER_QUERY ids at a time, in the order of the batches. */
async function byIds<T>(
  ids: readonly number[],
  read: (batch: number[]) => Promise<T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  for (const batch of chunks(ids, IDS_PER_QUERY)) rows.push(...(await read(batch)));
  return rows;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

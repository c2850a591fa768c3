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
  const projects = await db.kysely
    .selectFrom('submission_projects')
    .selectAll()
    .where('submission_id', '=', submissionId)
    .orderBy('ordinal')
    .execute();
  if (projects.length === 0) return [];
  const targets = await db.kysely
    .selectFrom('submission_targets')
    .selectAll()
    .where(
      'submission_project_id',
      'in',
      projects.map((p) => p.id),
    )
    .orderBy('submission_project_id')
    .orderBy('ordinal')
    .execute();
  return projects.map((p) => ({
    ...p,
    targets: targets.filter((t) => t.submission_project_id === p.id),
  }));
}

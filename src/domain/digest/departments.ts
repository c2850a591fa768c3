/**
 * Section 4 of the digest: the week's problems by responsible department, one department however
 * it is spelt (区财政局 and 财政局 are one), the busiest first.
 */
import type { Unit } from '../../config/schedule';
import { compact } from '../sheet/text';
import type { DepartmentSection, DigestInput, ProjectSection } from './types';

export function departmentSections(
  input: Pick<DigestInput, 'schedule' | 'current' | 'previous'>,
  projects: readonly ProjectSection[],
): DepartmentSection[] {
  const namer = departmentNamer(
    input.schedule.units,
    [input.current, ...input.previous.map((w) => w.sheets)].flatMap((sheets) =>
      sheets.flatMap((sh) => sh.projects.flatMap((p) => p.responsibleDepartments)),
    ),
  );
  const departments = new Map<string, DepartmentSection & { order: number; seen: Set<string> }>();
  for (const project of projects) {
    if (project.problems.length === 0) continue;
    for (const written of project.departments) {
      const { key, name } = namer(written);
      if (key === '') continue;
      let d = departments.get(key);
      if (!d) {
        d = { name, items: [], order: departments.size, seen: new Set() };
        departments.set(key, d);
      }
      for (const problem of project.problems) {
        // A project naming one department twice ("区财政局、财政局") lists its problems once.
        const seen = `${project.seq}:${problem.key}`;
        if (d.seen.has(seen)) continue;
        d.seen.add(seen);
        d.items.push({ projectSeq: project.seq, projectName: project.name, ...problem });
      }
    }
  }
  return [...departments.values()]
    .sort((a, b) => b.items.length - a.items.length || a.order - b.order)
    .map(({ name, items }) => ({ name, items }));
}

function departmentKey(name: string): string {
  return compact(name).replace(/^区(?=..)/u, '');
}

/**
 * Department names as one key per department (区财政局 and 财政局 are one), shown by the
 * schedule unit's name when it is one, else by the fullest spelling seen (区财政局 over 财政局)
 * in this week's or earlier weeks' sheets.
 */
function departmentNamer(
  units: readonly Unit[],
  spellings: readonly string[],
): (name: string) => { key: string; name: string } {
  const display = new Map<string, string>();
  for (const n of spellings) {
    const k = departmentKey(n);
    const seen = display.get(k);
    if (seen === undefined || (!seen.startsWith('区') && n.trim().startsWith('区'))) {
      display.set(k, n.trim());
    }
  }
  for (const u of units) {
    for (const n of [u.name, ...u.aliases]) display.set(departmentKey(n), u.name);
  }
  return (name) => {
    const key = departmentKey(name);
    return { key, name: display.get(key) ?? name.trim() };
  };
}

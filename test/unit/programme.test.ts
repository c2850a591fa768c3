/**
 * Programme look-ups shared by the digest, the reminders, the replies and the app: one rule each
 * for a unit's name and label, the projects of a unit, a project's leader, and who an audience is.
 */
import type { Schedule } from '../../src/config/schedule';
import {
  leaderOf,
  leaderTitle,
  projectById,
  projectsOfUnit,
  recipientsOf,
  unitLabel,
  unitName,
  unitOrder,
} from '../../src/domain/programme';
import { exampleSchedule } from '../helpers/sheets';

function variant(base: Schedule, change: (s: Schedule) => void): Schedule {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('units and their projects', () => {
  it('names a unit by its schedule name, labels it by its short form, and orders as listed', async () => {
    const s = await exampleSchedule();
    expect(unitName(s, 'jiaoyu')).toBe('区教育局');
    expect(unitLabel(s, 'jiaoyu')).toBe('教育局');
    expect(unitOrder(s, 'jiaoyu')).toBe(0);
    expect(unitOrder(s, 'weijian')).toBe(1);
  });

  it('falls back to the id for a unit the schedule no longer has, and orders it last', async () => {
    const s = await exampleSchedule();
    expect(unitName(s, 'gone')).toBe('gone');
    expect(unitLabel(s, 'gone')).toBe('gone');
    expect(unitOrder(s, 'gone')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('labels a unit without aliases by its name', async () => {
    const s = variant(await exampleSchedule(), (c) => {
      c.units[0]!.aliases = [];
    });
    expect(unitLabel(s, 'jiaoyu')).toBe('区教育局');
  });

  it('lists the projects a unit leads, co-led ones included, in the schedule order', async () => {
    const s = await exampleSchedule();
    expect(projectsOfUnit(s, 'xincheng').map((p) => p.id)).toEqual(['p3']);
    expect(projectsOfUnit(s, 'jiaotong').map((p) => p.id)).toEqual(['p3']);
    expect(projectsOfUnit(s, 'nobody')).toEqual([]);
    expect(projectById(s, 'p2')?.name).toBe('泉港医院病房大楼2#楼及附属配套设施项目');
    expect(projectById(s, 'gone')).toBeNull();
  });
});

describe('a project’s responsible leader', () => {
  it('is the convenor the project names', async () => {
    const s = await exampleSchedule();
    const p1 = s.projects.find((p) => p.id === 'p1')!;
    expect(leaderOf(s, p1)?.id).toBe('convenor-1');
    expect(leaderTitle(s, p1)).toBe('召集人（区政府副区长）');
  });

  it('is the chief convenor when the project names the chief (digest and reminders alike)', async () => {
    const s = await exampleSchedule();
    const project = { responsibleLeader: 'chief' };
    expect(leaderTitle(s, project)).toBe('总召集人（区政府常务副区长）');
  });

  it('is nobody, titled "", for an id the schedule does not have', async () => {
    const s = await exampleSchedule();
    expect(leaderOf(s, { responsibleLeader: 'gone' })).toBeNull();
    expect(leaderTitle(s, { responsibleLeader: 'gone' })).toBe('');
  });
});

describe('recipients by audience', () => {
  it('gives the digest its people by title, each address once, To before Cc', async () => {
    const s = await exampleSchedule();
    const r = recipientsOf(
      s,
      { to: ['chief_convenor', 'convenors'], cc: ['office', 'convenors'] },
      null,
    );
    expect(r.to.map((x) => x.address)).toEqual([
      'chief@example.cn',
      'convenor-1@example.cn',
      'convenor-2@example.cn',
      'convenor-3@example.cn',
      'convenor-4@example.cn',
    ]);
    expect(r.cc.map((x) => x.address)).toEqual(['office@example.cn', 'office-staff@example.cn']);
    expect(r.to[0]).toEqual({ name: '总召集人（区政府常务副区长）', address: 'chief@example.cn' });
  });

  it('resolves unit audiences to nobody without a unit', async () => {
    const s = await exampleSchedule();
    expect(
      recipientsOf(s, { to: ['unit', 'unit_head', 'responsible_leader'], cc: [] }, null),
    ).toEqual({
      to: [],
      cc: [],
    });
  });

  it('addresses a unit by its name, copies its remind.cc, and finds its projects’ leaders', async () => {
    const s = variant(await exampleSchedule(), (c) => {
      c.units[0]!.remind.cc = ['jiaoyu-deputy@example.cn'];
    });
    const unit = s.units[0]!;
    const r = recipientsOf(s, { to: ['unit'], cc: ['unit_head', 'responsible_leader'] }, unit);
    expect(r.to).toEqual([{ name: '区教育局', address: 'jiaoyu@example.cn' }]);
    expect(r.cc.map((x) => x.address)).toEqual([
      'jiaoyu-deputy@example.cn',
      'jiaoyu-head@example.cn',
      'convenor-1@example.cn',
    ]);
  });

  it('reaches the chief convenor as a responsible leader when a project names the chief', async () => {
    const s = variant(await exampleSchedule(), (c) => {
      c.projects[0]!.responsibleLeader = 'chief';
    });
    const r = recipientsOf(s, { to: ['responsible_leader'], cc: [] }, s.units[0]!);
    expect(r.to).toEqual([{ name: '总召集人（区政府常务副区长）', address: 'chief@example.cn' }]);
  });
});

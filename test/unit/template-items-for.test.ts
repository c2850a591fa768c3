import { templateItemsFor } from '../../src/app/decisions/template-items';
import type { ItemToRecord } from '../../src/app/ports/decision-store';
import { MemoryDecisionStore } from '../helpers/memory-decision-store';

const item = (n: number, responsible: string[], cooperating: string[] = []): ItemToRecord => ({
  id: `20210316-${n}`,
  meeting: { date: '2021-03-16', name: '' },
  projectId: null,
  projectAsWritten: null,
  text: `议定事项${n}`,
  responsibleUnits: responsible,
  cooperatingUnits: cooperating,
  unmatchedUnits: [],
  due: '2021-04-30',
  note: null,
});

const at = (iso: string) => new Date(iso);

describe('a unit’s open agreed items as its template lists them', () => {
  it('lists the items the unit is responsible for, not yet closed, with its own last answer', async () => {
    const store = new MemoryDecisionStore();
    await store.recordItems(
      [
        item(1, ['fagai']),
        item(2, ['fagai', 'jiaoyu']),
        item(3, ['jiaoyu'], ['fagai']),
        item(4, ['fagai']),
      ],
      { by: 'cli', rawMessageId: null },
      at('2021-03-17T00:00:00Z'),
    );
    const report = (
      itemId: string,
      unitId: string,
      week: string,
      progress: string,
      id: number,
    ) => ({
      itemId,
      unitId,
      week,
      progress,
      status: '推进中' as const,
      reportedAt: at(`${week}T02:00:00Z`),
      submissionId: id,
      rawMessageId: id,
    });
    await store.recordReports(
      [
        report('20210316-1', 'fagai', '2021-03-22', '第一周。', 1),
        report('20210316-1', 'fagai', '2021-03-29', '第二周。', 2),
        report('20210316-2', 'jiaoyu', '2021-03-29', '教育局的答复。', 3),
      ],
      at('2021-03-29T03:00:00Z'),
    );
    await store.changeState(
      '20210316-4',
      'closed',
      { kind: 'confirmed', by: 'cli', note: null },
      at('2021-03-30T00:00:00Z'),
    );
    expect(await templateItemsFor(store, 'fagai')).toEqual([
      {
        id: '20210316-1',
        text: '议定事项1',
        due: '2021-04-30',
        progress: '第二周。',
        status: '推进中',
      },
      { id: '20210316-2', text: '议定事项2', due: '2021-04-30', progress: null, status: null },
    ]);
  });

  it('is empty for a unit without open items', async () => {
    expect(await templateItemsFor(new MemoryDecisionStore(), 'jiaoyu')).toEqual([]);
  });
});

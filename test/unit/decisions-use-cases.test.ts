/**
 * The agreed items' use cases over the in-memory store: recording a list (ids, the meeting date
 * required, a corrected list updating), the office's decisions (close, send back with its mail,
 * reopen) and the list of `duban decisions list`.
 */
import type { DecisionMailDeps } from '../../src/app/decisions/deps';
import { decisionsList } from '../../src/app/decisions/list';
import { recordItemList } from '../../src/app/decisions/record-list';
import { closeItem, reopenItem, sendBackItem } from '../../src/app/decisions/state';
import type { Outbox } from '../../src/app/ports/outbox';
import type { Schedule } from '../../src/config/schedule';
import type { ItemListReading, ItemListRow } from '../../src/domain/decisions/types';
import type { OutgoingMail } from '../../src/domain/mail/outgoing-mail';
import { createLogger } from '../../src/log';
import { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { exampleSchedule } from '../helpers/sheets';

const NOW = new Date('2021-03-17T02:00:00.000Z');

function row(n: number, over: Partial<ItemListRow> = {}): ItemListRow {
  return {
    n,
    cell: `C${n + 4}`,
    project: '锦川实验小学项目',
    text: `议定事项${n}`,
    responsible: ['区教育局'],
    cooperating: [],
    due: '2021-04-30',
    dueText: null,
    note: null,
    ...over,
  };
}

function reading(rows: ItemListRow[], date: string | null = '2021-03-16'): ItemListReading {
  return { meeting: { name: '第3次联合会议', date }, rows, issues: [] };
}

class FakeOutbox implements Outbox {
  readonly mails = new Map<string, OutgoingMail>();
  readonly delivered: string[] = [];
  async queue(mail: OutgoingMail) {
    if (this.mails.has(mail.key)) return false;
    this.mails.set(mail.key, mail);
    return true;
  }
  async deliver(key: string) {
    this.delivered.push(key);
    return this.mails.has(key) ? ('sent' as const) : ('missing' as const);
  }
  async summary(key: string) {
    const m = this.mails.get(key);
    return m ? { key, kind: m.kind, subject: m.subject, status: 'sent' } : null;
  }
  async stored(key: string) {
    return this.mails.get(key) ?? null;
  }
  async withdraw() {
    return false;
  }
}

let schedule: Schedule;
let store: MemoryDecisionStore;
let outbox: FakeOutbox;
let deps: DecisionMailDeps;
beforeAll(async () => {
  schedule = await exampleSchedule();
});
beforeEach(() => {
  store = new MemoryDecisionStore(schedule);
  outbox = new FakeOutbox();
  deps = {
    decisions: store,
    schedule,
    outboxAt: () => outbox,
    from: 'duban@example.cn',
    workerName: 'test:1',
    logger: createLogger('silent'),
  };
});

describe('recording a list of agreed items', () => {
  it('records nothing when the list names no meeting date', async () => {
    const out = await recordItemList(
      deps,
      reading([row(1)], null),
      { by: 'cli', rawMessageId: null },
      NOW,
    );
    expect(out.meeting).toBeNull();
    expect(out.issues.map((i) => i.code)).toEqual(['ITEM_LIST_NO_MEETING_DATE']);
    expect(await store.items()).toEqual([]);
  });

  it('records the rows under their ids and updates them from a corrected list', async () => {
    const first = await recordItemList(
      deps,
      reading([row(1), row(2, { responsible: ['区档案馆'] })]),
      { by: 'cli', rawMessageId: null },
      NOW,
    );
    expect(first.recorded.created).toEqual(['20210316-1', '20210316-2']);
    expect(first.items.map((i) => i.projectId)).toEqual(['p1', 'p1']);
    expect(first.issues.map((i) => i.code)).toEqual(['ITEM_UNIT_UNMATCHED']);
    const second = await recordItemList(
      deps,
      reading([row(1), row(2, { responsible: ['区教育局'] })]),
      { by: 'cli', rawMessageId: null },
      NOW,
    );
    expect(second.recorded).toEqual({
      created: [],
      updated: ['20210316-2'],
      unchanged: ['20210316-1'],
    });
    expect(second.items).toHaveLength(2);
  });
});

describe("the office's decisions on an item", () => {
  beforeEach(async () => {
    await recordItemList(deps, reading([row(1)]), { by: 'cli', rawMessageId: null }, NOW);
  });

  it('sends an item reported done back with a mail to the unit, its head in copy', async () => {
    await store.changeState(
      '20210316-1',
      'awaiting_confirmation',
      { kind: 'reported_done', by: 'unit:jiaoyu', note: null },
      NOW,
    );
    const item = await sendBackItem(
      deps,
      '20210316-1',
      { by: 'cli', note: '缺少竣工验收材料' },
      NOW,
    );
    expect(item.state).toBe('open');
    const mail = outbox.mails.get('sendback:20210316-1:1');
    expect(mail?.to.map((a) => a.address)).toEqual(['jiaoyu@example.cn']);
    expect(mail?.cc.map((a) => a.address)).toEqual(['jiaoyu-head@example.cn']);
    expect(mail?.text).toContain('暂不予确认办结');
    expect(mail?.text).toContain('退回原因：缺少竣工验收材料');
    expect(mail?.text).toContain(schedule.programme.signature);
    expect(outbox.delivered).toEqual(['sendback:20210316-1:1']);

    await store.changeState(
      '20210316-1',
      'awaiting_confirmation',
      { kind: 'reported_done', by: 'unit:jiaoyu', note: null },
      NOW,
    );
    await sendBackItem(deps, '20210316-1', { by: 'cli', note: '仍缺材料' }, NOW);
    expect([...outbox.mails.keys()]).toEqual(['sendback:20210316-1:1', 'sendback:20210316-1:2']);
  });

  it('refuses to send back an open item and to close an unknown one', async () => {
    await expect(
      sendBackItem(deps, '20210316-1', { by: 'cli', note: 'x' }, NOW),
    ).rejects.toMatchObject({ code: 'ITEM_STATE_CONFLICT' });
    await expect(closeItem(deps, '20210316-9', 'cli', NOW)).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    });
    expect(outbox.mails.size).toBe(0);
  });

  it('closes an open item, refuses to close it twice, and reopens it', async () => {
    expect((await closeItem(deps, '20210316-1', 'cli', NOW)).state).toBe('closed');
    await expect(closeItem(deps, '20210316-1', 'cli', NOW)).rejects.toMatchObject({
      code: 'ITEM_STATE_CONFLICT',
    });
    await expect(
      sendBackItem(deps, '20210316-1', { by: 'cli', note: 'x' }, NOW),
    ).rejects.toMatchObject({ code: 'ITEM_STATE_CONFLICT' });
    expect((await reopenItem(deps, '20210316-1', { by: 'cli', note: null }, NOW)).state).toBe(
      'open',
    );
    await expect(
      reopenItem(deps, '20210316-1', { by: 'cli', note: null }, NOW),
    ).rejects.toMatchObject({ code: 'ITEM_STATE_CONFLICT' });
    expect(store.eventList.map((e) => e.kind)).toEqual(['recorded', 'confirmed', 'reopened']);
  });
});

describe('the list of decisions', () => {
  it('gives each item its state, colour and the last report of a responsible unit', async () => {
    await recordItemList(
      deps,
      reading([row(1, { cooperating: ['卫健局'], due: '2021-03-19' })]),
      { by: 'cli', rawMessageId: null },
      NOW,
    );
    const report = {
      itemId: '20210316-1',
      week: '2021-03-15',
      progress: '推进中',
      status: '推进中' as const,
      submissionId: null,
    };
    await store.recordReports(
      [
        {
          ...report,
          unitId: 'jiaoyu',
          reportedAt: new Date('2021-03-17T03:00:00Z'),
          rawMessageId: 1,
        },
        {
          ...report,
          unitId: 'weijian',
          reportedAt: new Date('2021-03-17T04:00:00Z'),
          rawMessageId: 2,
        },
      ],
      NOW,
    );
    // The red notice the follow-up run issued: the colour in force.
    store.noticeList.push({
      itemId: '20210316-1',
      unitId: 'jiaoyu',
      kind: 'notice',
      colour: 'red',
      key: 'notice:20210316-1:red:jiaoyu',
      subject: '红色督办单',
      status: 'sent',
      queuedAt: new Date('2021-03-22T01:00:00Z'),
      sentAt: new Date('2021-03-22T01:00:01Z'),
    });
    const { decisions } = await decisionsList(deps, new Date('2021-03-22T02:00:00Z'));
    expect(decisions).toEqual([
      {
        id: '20210316-1',
        meeting: { date: '2021-03-16', name: '第3次联合会议' },
        project: 'p1',
        text: '议定事项1',
        responsibleUnits: ['jiaoyu'],
        cooperatingUnits: ['weijian'],
        due: '2021-03-19',
        state: 'open',
        colour: 'red',
        lastReport: {
          unit: 'jiaoyu',
          week: '2021-03-15',
          progress: '推进中',
          status: '推进中',
          reportedAt: '2021-03-17T03:00:00.000Z',
        },
      },
    ]);
  });
});

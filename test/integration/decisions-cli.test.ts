/**
 * `duban decisions` on SQLite: the list as JSON and as a table, the office's decisions (close,
 * send back with its mail, reopen) with one-line errors, a file without a list of agreed items,
 * and an unmigrated database refused like the other commands do.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StorageDecisionStore } from '../../src/adapters/storage';
import type { ItemToRecord } from '../../src/app/ports/decision-store';
import { EXIT } from '../../src/cli/exit-codes';
import { capture, run } from '../helpers/cli';
import { insertSentNotice } from '../helpers/notice-mail';
import { createTestDatabase, TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';

const CONFIG = path.resolve(__dirname, '../../config/schedule.example.yaml');
const T0 = new Date('2021-03-17T02:00:00.000Z');

function item(n: number, over: Partial<ItemToRecord> = {}): ItemToRecord {
  return {
    id: `20210316-${n}`,
    meeting: { date: '2021-03-16', name: '第3次联合会议' },
    projectId: 'p1',
    projectAsWritten: '锦川实验小学项目',
    text: `议定事项${n}`,
    responsibleUnits: ['jiaoyu'],
    cooperatingUnits: [],
    unmatchedUnits: [],
    due: '2021-03-19',
    note: null,
    ...over,
  };
}

describe('duban decisions on SQLite', () => {
  const t = useTestDatabase('sqlite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-decisions-'));
  const outbox = path.join(dir, 'outbox');
  const duban = (args: string[]) =>
    run(
      args,
      capture(
        { DATABASE_URL: t.url, OUTBOX_DIR: outbox, DUBAN_CONFIG: CONFIG, LOG_LEVEL: 'silent' },
        dir,
      ),
    );

  beforeAll(async () => {
    const store = new StorageDecisionStore(t.db);
    await store.recordItems(
      [item(1), item(2, { responsibleUnits: ['weijian'] })],
      { by: 'cli', rawMessageId: null },
      T0,
    );
    await store.recordReports(
      [
        {
          itemId: '20210316-2',
          unitId: 'weijian',
          week: '2021-03-15',
          progress: '已完成',
          status: '已办结',
          reportedAt: T0,
          submissionId: null,
          rawMessageId: 1,
        },
      ],
      T0,
    );
    // The follow-up run issued a red notice for item 1 (the colour in force is what was issued).
    await insertSentNotice(t.db, 'notice:20210316-1:red:jiaoyu', '2021-03-22T01:00:00.000Z');
  });

  it('lists the items as exactly { decisions } with their state and colour', async () => {
    const { code, io } = await duban([
      'decisions',
      'list',
      '--json',
      '--now',
      '2021-03-22T10:00:00+08:00',
    ]);
    expect(code).toBe(EXIT.OK);
    const out = JSON.parse(io.stdout) as { decisions: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['decisions']);
    expect(out.decisions.map((d) => [d.id, d.state, d.colour])).toEqual([
      ['20210316-1', 'open', 'red'],
      ['20210316-2', 'awaiting_confirmation', null],
    ]);
    expect(out.decisions[1]?.lastReport).toEqual({
      unit: 'weijian',
      week: '2021-03-15',
      progress: '已完成',
      status: '已办结',
      reportedAt: '2021-03-17T02:00:00.000Z',
    });
  });

  it('prints a readable table without --json', async () => {
    const { code, io } = await duban(['decisions', 'list', '--now', '2021-03-22T10:00:00+08:00']);
    expect(code).toBe(EXIT.OK);
    expect(io.stdout.split('\n')[0]).toMatch(/^id\s+state\s+colour\s+due/);
    expect(io.stdout).toMatch(/20210316-1\s+open\s+red\s+2021-03-19/);
  });

  it('sends an item back with a mail to its unit, then refuses to send it back again', async () => {
    const first = await duban([
      'decisions',
      'send-back',
      '20210316-2',
      '--note',
      '缺少验收材料',
      '--by',
      'office-test',
    ]);
    expect(first.io.stderr).toBe('');
    expect(first.code).toBe(EXIT.OK);
    expect(first.io.stdout).toContain('20210316-2: open');
    const mails = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(mails).toHaveLength(1);
    const again = await duban(['decisions', 'send-back', '20210316-2', '--note', '再次']);
    expect(again.code).toBe(EXIT.USAGE);
    expect(again.io.stderr.trim()).toMatch(
      /^duban decisions send-back: ITEM_STATE_CONFLICT: agreed item 20210316-2 is open/,
    );
    expect(again.io.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('closes, refuses to close twice or an unknown item, and reopens', async () => {
    const closed = await duban(['decisions', 'close', '20210316-1']);
    expect(closed.code).toBe(EXIT.OK);
    expect(closed.io.stdout).toMatch(/^20210316-1: closed \(closed /);
    const twice = await duban(['decisions', 'close', '20210316-1']);
    expect(twice.code).toBe(EXIT.USAGE);
    expect(twice.io.stderr).toMatch(/^duban decisions close: ITEM_STATE_CONFLICT: /);
    const unknown = await duban(['decisions', 'close', '20210316-9']);
    expect(unknown.code).toBe(EXIT.USAGE);
    expect(unknown.io.stderr.trim()).toBe(
      'duban decisions close: ITEM_NOT_FOUND: no agreed item 20210316-9',
    );
    const reopened = await duban(['decisions', 'reopen', '20210316-1', '--note', '复核']);
    expect(reopened.code).toBe(EXIT.OK);
    expect(reopened.io.stdout.trim()).toBe('20210316-1: open');
    const events = await new StorageDecisionStore(t.db).events(['20210316-1']);
    expect(events.map((e) => `${e.kind} ${e.by}`)).toEqual([
      'recorded cli',
      'confirmed cli',
      'reopened cli',
    ]);
  });

  it('says clearly when a file holds no list of agreed items', async () => {
    const schedule = await exampleSchedule();
    const file = path.join(dir, 'weekly.xlsx');
    fs.writeFileSync(file, await filledTemplate(schedule, 'jiaoyu', { progress: '进展顺利' }));
    const { code, io } = await duban(['decisions', 'import', file]);
    expect(code).toBe(EXIT.UNREADABLE);
    expect(io.stderr).toContain('holds no list of agreed items');
  });
});

describe('duban config check with a database', () => {
  const t = useTestDatabase('sqlite');
  beforeAll(async () => {
    await new StorageDecisionStore(t.db).recordItems(
      [
        item(1, { unmatchedUnits: ['区档案馆', '教育局'] }),
        item(2, { unmatchedUnits: ['区档案馆'] }),
      ],
      { by: 'cli', rawMessageId: null },
      T0,
    );
  });

  it('lists the names in recorded items that match no unit, in zh-CN by default', async () => {
    const { code, io } = await run(['config', 'check', CONFIG], capture({ DATABASE_URL: t.url }));
    expect(code).toBe(EXIT.OK);
    expect(io.stdout).toContain('已记录的议定事项中有1个单位名称未在单位名单中：');
    // 教育局 is an alias of a unit: no longer unmatched.
    expect(io.stdout).toContain('  “区档案馆”（议定事项20210316-1、20210316-2）');
    const en = await run(
      ['config', 'check', CONFIG, '--lang', 'en'],
      capture({ DATABASE_URL: t.url }),
    );
    expect(en.io.stdout).toContain('"区档案馆" (items 20210316-1, 20210316-2)');
    const json = await run(['config', 'check', CONFIG, '--json'], capture({ DATABASE_URL: t.url }));
    expect(JSON.parse(json.io.stdout)).toMatchObject({
      ok: true,
      unmatchedUnits: [{ name: '区档案馆', items: ['20210316-1', '20210316-2'] }],
    });
  });

  it('says nothing about it without a database', async () => {
    const { code, io } = await run(['config', 'check', CONFIG], capture({}));
    expect(code).toBe(EXIT.OK);
    expect(io.stdout).not.toContain('议定事项');
    const json = await run(['config', 'check', CONFIG, '--json'], capture({}));
    expect(JSON.parse(json.io.stdout)).not.toHaveProperty('unmatchedUnits');
  });
});

describe('duban decisions list on an unmigrated database', () => {
  it('is refused with DATABASE_NOT_MIGRATED like the other reading commands', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const db = await database.open();
      await db.kysely.schema.createTable('x').addColumn('a', 'integer').execute();
      const { code, io } = await run(
        ['decisions', 'list'],
        capture({ DATABASE_URL: database.url, DUBAN_CONFIG: CONFIG }),
      );
      expect(code).toBe(EXIT.USAGE);
      expect(io.stderr).toContain('DATABASE_NOT_MIGRATED');
    } finally {
      await database.drop();
    }
  });
});

describe.each(TEST_DIALECTS)('the built duban decisions on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const bin = path.resolve(__dirname, '../../bin/duban.js');
  const duban = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DATABASE_URL: t.url,
        DUBAN_CONFIG: CONFIG,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
  beforeAll(async () => {
    await new StorageDecisionStore(t.db).recordItems(
      [item(1)],
      { by: 'cli', rawMessageId: null },
      T0,
    );
  });

  it('closes an item, and answers a second close in one line without a stack', () => {
    const closed = duban(['decisions', 'close', '20210316-1', '--by', 'office-test']);
    expect(closed.status).toBe(EXIT.OK);
    expect(closed.stdout).toMatch(/^20210316-1: closed/);
    const again = duban(['decisions', 'close', '20210316-1']);
    expect(again.status).toBe(EXIT.USAGE);
    expect(again.stderr.trim()).toBe(
      'duban decisions close: ITEM_STATE_CONFLICT: agreed item 20210316-1 is closed: only an item open or awaiting confirmation can be closed',
    );
    const list = duban(['decisions', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual({
      decisions: [expect.objectContaining({ id: '20210316-1', state: 'closed', colour: null })],
    });
  });
});

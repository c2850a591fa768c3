/**
 * The ledger of agreed items (督办台账): rows from items, reports, events and notices at a fixed
 * moment, each with its state, colour and history in date order; and its text summary.
 */
import { readLedger } from '../../src/app/decisions/ledger';
import type { Schedule } from '../../src/config/schedule';
import { ledgerText } from '../../src/domain/decisions/ledger-text';
import type { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { LEDGER_NOW as NOW, ledgerScenario } from '../helpers/ledger-scenario';
import { exampleSchedule } from '../helpers/sheets';

describe('the ledger of agreed items', () => {
  let schedule: Schedule;
  let store: MemoryDecisionStore;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  beforeEach(async () => {
    store = await ledgerScenario(schedule);
  });

  it('gives each item its state, its colour at now, its units and project by name', async () => {
    const ledger = await readLedger({ decisions: store, schedule }, NOW);
    expect(ledger.asOf).toBe('2021-03-19');
    expect(ledger.rows.map((r) => [r.id, r.stateZh, r.colour, r.closedOn])).toEqual([
      ['20210302-1', '未办结', 'red', null],
      ['20210302-2', '已办结', null, '2021-03-09'],
      ['20210302-3', '未办结', null, null],
    ]);
    const [first, second] = ledger.rows;
    expect(first?.project).toBe('锦川实验小学项目');
    expect(first?.responsible).toEqual(['区教育局']);
    expect(first?.cooperating).toEqual(['区卫健局']);
    expect(first?.why).toContain('2021年3月12日已过');
    expect(second?.project).toBe('未列名项目');
    expect(ledger.counts).toEqual({
      total: 3,
      open: 2,
      awaiting: 0,
      closed: 1,
      red: 1,
      yellow: 0,
      blue: 0,
    });
  });

  it('lists the history in date order: events, notices and weekly reports', async () => {
    const ledger = await readLedger({ decisions: store, schedule }, NOW);
    const first = ledger.rows[0];
    expect(first?.history.map((h) => [h.date, h.what])).toEqual([
      ['2021-03-02', '记录'],
      ['2021-03-03', '交办'],
      ['2021-03-03', '更新'],
      ['2021-03-08', '周报'],
      ['2021-03-15', '红色督办单'],
    ]);
    expect(first?.history[2]?.text).toBe(
      '更新（office@example.cn（邮件））：办结时限由“2021年3月10日”改为“2021年3月12日”',
    );
    expect(first?.history[1]?.text).toBe('交办发送区教育局（已发送）');
    expect(first?.history[3]?.text).toBe(
      '2021年3月8日当周，区教育局报：正在清表；是否办结：推进中',
    );
    const closed = ledger.rows[1];
    expect(closed?.history.map((h) => h.what)).toEqual(['记录', '周报', '报告办结', '确认办结']);
    expect(closed?.history[3]?.text).toBe('确认办结（office@example.cn（控制台））');
    const sentBack = ledger.rows[2];
    expect(sentBack?.history.map((h) => h.what)).toEqual(['记录', '周报', '报告办结', '退回']);
    expect(sentBack?.history[3]?.text).toBe('退回（命令行）：说明：请补充验收材料');
  });

  it('reads one item only when asked', async () => {
    const ledger = await readLedger({ decisions: store, schedule }, NOW, ['20210302-3']);
    expect(ledger.rows.map((r) => r.id)).toEqual(['20210302-3']);
  });

  it('prints as text with each item’s mark and history', async () => {
    const ledger = await readLedger({ decisions: store, schedule }, NOW);
    const text = ledgerText(ledger, schedule.programme.name);
    expect(text).toContain('督办台账（截至2021年3月19日）');
    expect(text).toContain('[红色] 20210302-1 完成校舍用地清表');
    expect(text).toContain('[已办结] 20210302-2');
    expect(text).toContain('（2021年3月9日销号）');
    expect(text).toContain('2021-03-09 退回：退回（命令行）：说明：请补充验收材料');
  });
});

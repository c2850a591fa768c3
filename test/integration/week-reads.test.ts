/**
 * The storage side of the WeekReads port, on SQLite and PostgreSQL, over the digest's scenario:
 * one unit's current sheet is the same as in the week's list, a unit without a sheet has none,
 * and the office's facts come out as the digest reports them.
 */
import { StorageWeekReads } from '../../src/adapters/storage';
import { NOW, PREVIOUS_WEEK, seedDigestScenario, WEEK } from '../fixtures/digest/scenario';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';

describe.each(TEST_DIALECTS)('the week reads on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let reads: StorageWeekReads;
  beforeAll(async () => {
    await seedDigestScenario(t.db);
    reads = new StorageWeekReads(t.db);
  });

  it("gives a unit's current sheet with the content the week's list holds for it", async () => {
    const [week] = await reads.currentSheets([WEEK]);
    const listed = week?.sheets.find((s) => s.unitId === 'jiaoyu');
    expect(listed?.projects.length).toBeGreaterThan(0);
    expect(await reads.currentSheetOf('jiaoyu', WEEK)).toEqual(listed);
  });

  it('gives no current sheet to a unit that sent none', async () => {
    expect(await reads.currentSheetOf('weijian', WEEK)).toBeNull();
    expect(await reads.rejectedVersions(WEEK, 'weijian')).toEqual([]);
  });

  it('lists the reminders sent and no digest edition before the digest went out', async () => {
    expect((await reads.remindersSent(WEEK)).map((r) => `${r.unitId} ${r.stage}`).sort()).toEqual([
      'weijian morning',
      'weijian overdue',
    ]);
    expect(await reads.digestEditions(WEEK)).toEqual([]);
    expect(await reads.digestSentAt(WEEK)).toBeNull();
    expect((await reads.submissionFacts(PREVIOUS_WEEK)).every((f) => f.isCurrent)).toBe(true);
  });

  it("reports the office's held message and the refused receipt", async () => {
    expect(await reads.heldMessages(NOW)).toEqual([
      expect.objectContaining({ from: 'secretary@example.org', reason: 'UNKNOWN_SENDER' }),
    ]);
    expect(await reads.heldMessages(new Date('2021-03-22T02:59:00Z'))).toEqual([]);
    expect(await reads.unsentMails(WEEK, new Date(NOW.getTime() - 7 * 86_400_000), NOW)).toEqual([
      expect.objectContaining({ kind: 'receipt', to: ['xincheng@example.cn'], status: 'failed' }),
    ]);
    expect(await reads.unprocessedCount(NOW)).toBe(0);
  });
});

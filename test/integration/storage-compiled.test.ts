/**
 * Statements built once per database (src/adapters/storage/compiled-once.ts), on SQLite and
 * PostgreSQL: each call binds its own values into the slots, constants stay as written.
 */
import { compiledOnce, slot } from '../../src/adapters/storage/compiled-once';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';

const T0 = '2021-03-15T02:00:00.000Z';

const insertReply = compiledOnce((k) =>
  k
    .insertInto('auto_replies')
    .values({ mail_id: slot<number>('mailId'), address: slot<string>('address'), at: T0 })
    .returning(['mail_id', 'address', 'at']),
);

const repliesTo = compiledOnce((k) =>
  k
    .selectFrom('auto_replies')
    .select(['mail_id'])
    .where('address', '=', slot<string>('address'))
    .orderBy('mail_id'),
);

describe.each(TEST_DIALECTS)('statements built once on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it("binds each call's values into the slots and keeps the constants", async () => {
    const first = await insertReply(t.db, { mailId: 1, address: 'a@example.cn' });
    const second = await insertReply(t.db, { mailId: 2, address: 'b@example.cn' });
    expect(first.rows.map((r) => ({ ...r, mail_id: Number(r.mail_id) }))).toEqual([
      { mail_id: 1, address: 'a@example.cn', at: T0 },
    ]);
    expect(second.rows[0]?.address).toBe('b@example.cn');
    const toB = await repliesTo(t.db, { address: 'b@example.cn' });
    expect(toB.rows.map((r) => Number(r.mail_id))).toEqual([2]);
  });

  it('refuses a call that leaves a slot without a value', async () => {
    await expect(repliesTo(t.db, {})).rejects.toThrow(/no value for the slot address/);
  });
});

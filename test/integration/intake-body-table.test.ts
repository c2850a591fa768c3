/**
 * A sheet pasted into the mail's body as an HTML table (what Outlook, Foxmail and WPS paste from
 * a spreadsheet: mso- styles, rowspan) is read like an attached sheet when it has the header;
 * a body table without it leaves today's answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Schedule } from '../../src/config/schedule';
import { useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule } from '../helpers/sheets';

const PASTED = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'formats', 'handwritten_outlook-paste.html'),
  'utf8',
);
const MONDAY_10 = new Date('2021-03-15T02:00:00Z');

describe('a sheet pasted into the body', () => {
  const t = useTestDatabase('sqlite');
  let schedule: Schedule;
  let h: IntakeHarness;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
  });
  afterAll(async () => h.close());

  it('is read like an attached sheet when the table has the header', async () => {
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      text: '问题清单见下表。',
      html: PASTED,
    });
    const o = await h.ingest(t.db, raw, { internalDate: MONDAY_10 });
    expect(o).toMatchObject({ outcome: expect.stringMatching(/^accepted/), unit: 'jiaoyu' });
    expect(o.mails[0]?.parsed.subject).toContain('已收到');
  });

  it('leaves the answer as it was when the body’s table is not the sheet', async () => {
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      html: '<html><body><table><tr><td>联系人</td><td>电话</td></tr></table></body></html>',
    });
    const o = await h.ingest(t.db, raw, { internalDate: MONDAY_10 });
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'NO_ATTACHMENT' });
  });
});

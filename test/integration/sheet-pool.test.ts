/** The warm sandbox pool: reuses workers, and a sheet that hits a limit fails alone. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SheetReaderPool } from '../../src/adapters/excel/sandbox';
import { CORPUS_DIR, SHEETS_DIR } from '../helpers/sheets';

const opts = { catalog: [], referenceDate: '2021-03-15' };
const good = fs.readFileSync(path.join(SHEETS_DIR, 'openpyxl_official_all4.xlsx'));

describe('SheetReaderPool', () => {
  it('reads several sheets, concurrently requested, with warm workers', async () => {
    const pool = new SheetReaderPool(2);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => pool.read(good, opts)));
      expect(results.map((r) => [r.ok, r.projects.length])).toEqual(Array(5).fill([true, 4]));
    } finally {
      await pool.close();
    }
  });

  it('started ahead of the first sheet, uses the workers it started and no more', async () => {
    const pool = new SheetReaderPool(2);
    try {
      pool.warm();
      pool.warm(); // a second call starts nothing more
      const results = await Promise.all([1, 2, 3].map(() => pool.read(good, opts)));
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);
      expect((pool as unknown as { idle: unknown[] }).idle).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('fails only the sheet that runs out of time, then keeps reading with a new worker', async () => {
    const pool = new SheetReaderPool(1, { maxHeapMb: 256, timeoutMs: 1 });
    try {
      const slow = await pool.read(good, opts);
      expect(slow.issues.map((i) => i.code)).toEqual(['PARSE_RESOURCE_LIMIT']);
    } finally {
      await pool.close();
    }
    const roomy = new SheetReaderPool(1);
    try {
      expect((await roomy.read(good, opts)).ok).toBe(true);
    } finally {
      await roomy.close();
    }
  });

  it('refuses a sheet that exhausts the worker’s memory and reads the next one with a new worker', async () => {
    // 16 MB of heap reads an ordinary sheet but not 2 MB of shared strings.
    const pool = new SheetReaderPool(1, { maxHeapMb: 16, timeoutMs: 20_000 });
    const big = fs.readFileSync(path.join(CORPUS_DIR, 'malformed__poi-huge-shared-strings.xlsx'));
    try {
      const r = await pool.read(big, opts);
      expect(r.issues.map((i) => i.code)).toEqual(['PARSE_RESOURCE_LIMIT']);
      expect((await pool.read(good, opts)).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

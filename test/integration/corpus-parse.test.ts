/**
 * Every workbook of the shared corpus goes through `duban parse --json` (the sandboxed path):
 * it is read, or refused with one clear error, and the process never crashes or hangs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODES } from '../../src/errors';
import { run } from '../helpers/cli';
import { CORPUS_DIR } from '../helpers/sheets';

/** Files whose refusal reason is known. Everything else must be read (it may not be an issue sheet). */
const REFUSED: Record<string, string> = {
  'encrypted__calamine-password.xlsx': 'PASSWORD_PROTECTED',
  'bomb_1M-rows-to-XFD.xlsx': 'WORKBOOK_TOO_LARGE',
  'bomb_200MB-single-cell.xlsx': 'WORKBOOK_TOO_LARGE',
  'malformed__poi-fuzz-not-a-zip-372b.xlsx': 'NOT_A_WORKBOOK',
  'malformed__poi-fuzz-bad-central-dir.xlsx': 'CORRUPT_WORKBOOK',
  'malformed__exceljs-invalid-xml.xlsx': 'CORRUPT_WORKBOOK',
  'malformed__exceljs-missing-bits.xlsx': 'CORRUPT_WORKBOOK',
  'malformed__poi-xlsx-corrupted.xlsx': 'CORRUPT_WORKBOOK',
  'malformed__poi-xml-entity-bomb.xlsx': 'CORRUPT_WORKBOOK',
};

/** Codes that mean "the workbook was opened and its cells were looked at". */
const OPENED = ['NO_HEADER', 'NO_WORKSHEET', 'EMPTY_SHEET', 'NOT_FILLED'];

const files = fs.readdirSync(CORPUS_DIR).filter((f) => /\.(xlsx|xls|ods)$/.test(f));

describe('duban parse on every corpus workbook', () => {
  test.each(files)('%s is read or refused with one clear error', async (file) => {
    const { code, io } = await run(['parse', path.join(CORPUS_DIR, file), '--json']);
    expect([0, 2]).toContain(code);
    const result = JSON.parse(io.stdout) as {
      ok: boolean;
      issues: Array<{ code: string; severity: string; message: string }>;
    };
    expect(result.ok).toBe(code === 0);
    const errors = result.issues.filter((i) => i.severity === 'error');
    if (!result.ok) {
      expect(errors).toHaveLength(1);
      expect(Object.keys(CODES)).toContain(errors[0]?.code);
      // The sender's message is Chinese and says what to do.
      expect(errors[0]?.message).toMatch(/[\u4e00-\u9fff]/u);
    }
    const expected = REFUSED[file];
    if (expected) expect(errors[0]?.code).toBe(expected);
    else if (!result.ok) expect(OPENED).toContain(errors[0]?.code);
  });

  test('namespace-prefixed workbooks from WPS / Tencent Docs / OpenXML SDK are opened, not refused', async () => {
    for (const file of [
      'tencent-docs__easyexcel-t04.xlsx',
      'dotnet-openxml__easyexcel-t02-x-prefix.xlsx',
    ]) {
      const { io } = await run(['parse', path.join(CORPUS_DIR, file), '--json']);
      const result = JSON.parse(io.stdout) as { issues: Array<{ code: string }> };
      // Neither is an issue sheet: being told so proves the cells were read.
      expect(result.issues.map((i) => i.code)).toEqual(['NO_HEADER']);
    }
  });
});

/**
 * Reading a weekly issue sheet from a file's bytes, in-process: guard → grid (the XML reader, or
 * exceljs) → domain.
 * Never throws for bad input: every refusal becomes a ParsedSheet with ok=false and one precise
 * issue in Chinese for the sender. Use `readIssueSheetSandboxed` for untrusted files in services.
 */
import { DubanError, issue, type Code } from '../../errors';
import { failed, parseIssueSheet, type ParsedSheet } from '../../domain/sheet/parse';
import type { ProjectNames } from '../../domain/sheet/match';
import type { Schedule } from '../../config/schedule';
import type { Grid } from '../../domain/sheet/grid';
import { DEFAULT_LIMITS, inspectWorkbook, type GuardLimits, type WorkbookFacts } from './guard';
import { loadWorkbook, toGrid } from './read-workbook';
import { readGridFromXml } from './xml-grid';

export interface ReadSheetOptions {
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date for due dates written without a year when 填报时间 gives none. */
  referenceDate: string;
  limits?: GuardLimits;
}

/** What the sender is told for each way a file can be refused (formal zh-CN). */
export const REFUSAL_MESSAGES: Partial<Record<Code, string>> = {
  NOT_A_WORKBOOK:
    '附件不是Excel工作簿（.xlsx）文件，无法读取。请使用下发的问题清单模板填写，保存为.xlsx格式后重新发送。',
  PASSWORD_PROTECTED:
    '工作簿设置了打开密码，无法读取。请取消密码（文件—加密/保护工作簿）后重新发送。',
  LEGACY_FORMAT:
    '附件为旧版Excel（.xls）或WPS表格（.et）格式，暂不支持读取。请在WPS或Excel中选择“另存为”，文件类型选“Excel工作簿（*.xlsx）”，保存后重新发送。',
  UNSUPPORTED_FORMAT:
    '附件为OpenDocument表格（.ods）格式，暂不支持读取。请在WPS、Excel或LibreOffice中“另存为”Excel工作簿（*.xlsx）后重新发送。',
  CORRUPT_WORKBOOK:
    '工作簿文件已损坏或内容不完整，无法打开。请在WPS或Excel中打开确认无误，重新保存为.xlsx后发送。',
  WORKBOOK_TOO_LARGE:
    '工作簿内容过大，超出问题清单的合理范围，未予读取。请检查是否发错文件，或删除多余的工作表和内容后重新发送。',
  PARSE_RESOURCE_LIMIT:
    '读取工作簿时超出处理限制，未能读取。请检查文件是否异常，删除多余内容后重新保存为.xlsx发送。',
};

export function refusal(err: DubanError): ParsedSheet {
  const message = REFUSAL_MESSAGES[err.code] ?? '工作簿无法读取，请重新保存为.xlsx格式后发送。';
  return failed([issue(err.code, message)]);
}

export function catalogOf(schedule: Schedule): ProjectNames[] {
  return schedule.projects.map((p) => ({ id: p.id, names: [p.name, ...p.aliases] }));
}

/**
 * The workbook's grid: read from its XML directly (xml-grid.ts, several times faster), or by
 * exceljs when the XML reader declines the file (or fails on it), so the outcome is exceljs's.
 */
export async function readGrid(bytes: Buffer, facts: WorkbookFacts): Promise<Grid> {
  try {
    return readGridFromXml(bytes, facts);
  } catch {
    return toGrid(await loadWorkbook(bytes, facts), facts);
  }
}

export async function readIssueSheet(
  bytes: Buffer,
  options: ReadSheetOptions,
): Promise<ParsedSheet> {
  try {
    const facts = await inspectWorkbook(bytes, options.limits ?? DEFAULT_LIMITS);
    const grid = await readGrid(bytes, facts);
    return parseIssueSheet(grid, {
      catalog: options.catalog,
      referenceDate: options.referenceDate,
    });
  } catch (err) {
    if (err instanceof DubanError) return refusal(err);
    // Anything else thrown while reading a file is a library choking on malformed content.
    return refusal(new DubanError('CORRUPT_WORKBOOK', (err as Error).message));
  }
}

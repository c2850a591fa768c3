/**
 * The kinds of file a unit sends, as decided from the file's content (never its name). Shared by
 * the readers (src/adapters/formats), the use cases and the answers.
 */

/** Files that can hold the issue sheet: a workbook, a text table, or a document whose table it is. */
export type SheetFormat =
  | 'xlsx'
  | 'xlsm'
  /** BIFF8 / BIFF5 (Excel 97-2003, Excel 95; WPS .et is the same content). */
  | 'xls'
  | 'ods'
  | 'csv'
  | 'docx'
  /** Word 97-2003 binary (WPS Writer .wps is the same content). */
  | 'doc'
  | 'odt'
  /** An HTML table: "save as web page", an OA export named .xls, or a table pasted into a mail. */
  | 'html';

/** Files that hold other files. */
export type ContainerFormat = 'zip' | '7z' | 'rar' | 'tnef';

export type FileIdentity =
  | { kind: 'sheet'; format: SheetFormat }
  | { kind: 'container'; format: ContainerFormat }
  /** Password-protected: nothing inside can be read. */
  | { kind: 'encrypted'; format: SheetFormat | ContainerFormat }
  | { kind: 'other'; format: 'pdf' | 'image' | 'text' | 'unknown' };

/** How the answers name a format to a sender (formal zh-CN). */
export const FORMAT_LABELS: Record<SheetFormat | ContainerFormat, string> = {
  xlsx: 'Excel工作簿（.xlsx）',
  xlsm: 'Excel启用宏的工作簿（.xlsm）',
  xls: 'Excel 97-2003工作簿（.xls）或WPS表格（.et）',
  ods: 'OpenDocument表格（.ods）',
  csv: 'CSV文本表格（.csv）',
  docx: 'Word文档（.docx）',
  doc: 'Word 97-2003文档（.doc）或WPS文字（.wps）',
  odt: 'OpenDocument文本（.odt）',
  html: '网页表格（.html）',
  zip: 'ZIP压缩包',
  '7z': '7z压缩包',
  rar: 'RAR压缩包',
  tnef: 'Outlook邮件附件包（winmail.dat）',
};

/** How a file inside an archive is named to the sender: "材料.zip 中的 问题清单.xlsx". */
export function containedFileLabel(container: string, path: readonly string[]): string {
  return [container, ...path].join(' 中的 ');
}

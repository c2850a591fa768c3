/** What a sender is told for each way an attached file can be refused (formal zh-CN). */
import type { Code } from '../../errors';
import { FORMAT_LABELS, type ContainerFormat, type SheetFormat } from './formats';

const SAVE_AS_XLSX =
  '请在WPS或Excel中选择“另存为”，文件类型选“Excel工作簿（*.xlsx）”，保存后重新发送。';

export const REFUSAL_MESSAGES: Partial<Record<Code, string>> = {
  NOT_A_WORKBOOK:
    '附件不是可读取的问题清单文件。可读取的格式：Excel或WPS表格（.xlsx、.xls、.et）、OpenDocument表格（.ods）、CSV、Word或WPS文字中的表格（.docx、.doc、.wps），以及装有这些文件的压缩包。请使用下发的问题清单模板填写后重新发送。',
  PASSWORD_PROTECTED: '文件设置了打开密码，无法读取。请取消密码（文件—加密/保护）后重新发送。',
  LEGACY_FORMAT: `附件为旧版Excel（.xls）或WPS表格（.et）格式，暂不支持读取。${SAVE_AS_XLSX}`,
  UNSUPPORTED_FORMAT: `附件格式暂不支持读取。${SAVE_AS_XLSX}`,
  CONVERTER_MISSING: `附件格式本系统当前无法读取。${SAVE_AS_XLSX}`,
  CONVERSION_FAILED:
    '附件无法转换读取（文件可能已损坏、设置了密码或内容过大）。请打开确认无误，另存为Excel工作簿（*.xlsx）后重新发送。',
  CORRUPT_WORKBOOK:
    '文件已损坏或内容不完整，无法打开。请在WPS或Excel中打开确认无误，重新保存后发送。',
  WORKBOOK_TOO_LARGE:
    '文件内容过大，超出问题清单的合理范围，未予读取。请检查是否发错文件，或删除多余的工作表和内容后重新发送。',
  PARSE_RESOURCE_LIMIT:
    '读取文件时超出处理限制，未能读取。请检查文件是否异常，删除多余内容后重新保存为.xlsx发送。',
  ARCHIVE_ENCRYPTED: '压缩包设置了密码，无法读取。请取消密码，或直接将问题清单文件作为附件发送。',
  ARCHIVE_TOO_LARGE: '压缩包内容过大或文件过多，未予读取。请直接将问题清单文件作为附件发送。',
  ARCHIVE_NESTED_TOO_DEEP:
    '压缩包嵌套层数过多（压缩包中又有压缩包），未予读取。请直接将问题清单文件作为附件发送。',
  ARCHIVE_DAMAGED: '压缩包已损坏或格式无法识别，无法打开。请直接将问题清单文件作为附件发送。',
  ARCHIVE_NO_SHEET: '压缩包中没有问题清单文件。请将填好的问题清单作为附件发送。',
};

const CONTAINERS: ReadonlySet<string> = new Set<ContainerFormat>(['zip', '7z', 'rar', 'tnef']);

/**
 * The refusal a sender reads for a file of a known format: the code's message, naming the
 * format where it says what the file is ("附件为Word 97-2003文档（.doc）……").
 */
export function refusalMessage(code: Code, format?: SheetFormat | ContainerFormat | null): string {
  const base = REFUSAL_MESSAGES[code] ?? REFUSAL_MESSAGES.CORRUPT_WORKBOOK ?? '';
  if (format && CONTAINERS.has(format)) {
    if (code === 'UNSUPPORTED_FORMAT' || code === 'CONVERTER_MISSING') {
      return `附件为${FORMAT_LABELS[format]}，本系统当前无法打开。请解压后直接将问题清单文件作为附件发送。`;
    }
    return base;
  }
  if (format && (code === 'CONVERTER_MISSING' || code === 'UNSUPPORTED_FORMAT')) {
    return `附件为${FORMAT_LABELS[format]}格式，本系统当前无法读取。${SAVE_AS_XLSX}`;
  }
  return base;
}

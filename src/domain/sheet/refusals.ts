/** What a sender is told for each way an attached file can be refused (formal zh-CN). */
import type { Code } from '../../errors';

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

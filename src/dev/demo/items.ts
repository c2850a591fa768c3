/**
 * The demo's agreed items (议定事项): the list the office mails after the joint meeting of
 * 2021-03-16, as an office clerk writes it in a spreadsheet (a title, the meeting's date above the
 * header, the seven columns of the notice), the mail carrying it, and a unit's answers written into
 * the 议定事项落实情况 sheet of its weekly template, as a person fills it in.
 */
import ExcelJS from 'exceljs';
import { mailWithSheet } from './mails';

export const DEMO_MEETING = {
  name: '区重点项目联合会议（第1次）',
  date: '2021-03-16',
} as const;

export interface DemoItem {
  /** 序号: the item's id is the meeting's date and this number (20210316-2). */
  n: number;
  /** The schedule project it belongs to, and 所属项目 as written. */
  projectId: string;
  project: string;
  text: string;
  /** 责任单位 and 配合单位 as written on the list. */
  responsible: string;
  cooperating: string;
  due: string;
}

export const DEMO_ITEMS: readonly DemoItem[] = [
  {
    n: 1,
    projectId: 'p1',
    project: '锦川实验小学项目',
    text: '完成工程量清算审定并报送概算调整',
    responsible: '区教育局',
    cooperating: '',
    due: '2021-03-26',
  },
  {
    n: 2,
    projectId: 'p4',
    project: '泉港坝头溪流域综合整治项目',
    text: '落实管线迁改资金150万元',
    responsible: '区农水局',
    cooperating: '区财政局',
    due: '2021-03-26',
  },
  {
    n: 3,
    projectId: 'p3',
    project: '泉港高铁站前广场及配套工程',
    text: '化解施工震动引起的群众阻工问题',
    responsible: '区交通运输局',
    cooperating: '新城投资公司',
    due: '2021-03-19',
  },
];

export const ITEM_LIST_HEADER = [
  '序号',
  '所属项目',
  '议定事项',
  '责任单位',
  '配合单位',
  '办结时限',
  '备注',
] as const;

const XLSX_NAME = `${DEMO_MEETING.name}议定事项.xlsx`;

function zhDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The meeting's list of agreed items as the office's .xlsx. */
export async function agreedItemsWorkbook(
  items: readonly DemoItem[] = DEMO_ITEMS,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '联合会议办公室';
  const ws = wb.addWorksheet('议定事项', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 },
  });
  ws.columns = [6, 26, 40, 16, 16, 16, 12].map((width) => ({ width }));
  const last = ITEM_LIST_HEADER.length;

  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = `${DEMO_MEETING.name}议定事项`;
  title.font = { name: '方正小标宋简体', size: 18 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 36;

  ws.mergeCells(2, 1, 2, last);
  ws.getCell(2, 1).value = `会议时间：${zhDate(DEMO_MEETING.date)}`;
  ws.getCell(2, 1).font = { name: '仿宋_GB2312', size: 12 };

  const border: Partial<ExcelJS.Borders> = {
    top: { style: 'thin' },
    left: { style: 'thin' },
    bottom: { style: 'thin' },
    right: { style: 'thin' },
  };
  const header = ws.getRow(3);
  ITEM_LIST_HEADER.forEach((label, i) => {
    const cell = header.getCell(i + 1);
    cell.value = label;
    cell.font = { name: '黑体', size: 12 };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = border;
  });

  items.forEach((item, i) => {
    const row = ws.getRow(4 + i);
    const [y, m, d] = item.due.split('-').map(Number) as [number, number, number];
    row.values = [
      item.n,
      item.project,
      item.text,
      item.responsible,
      item.cooperating || null,
      new Date(Date.UTC(y, m - 1, d)),
      null,
    ];
    row.getCell(6).numFmt = 'yyyy"年"m"月"d"日"';
    for (let c = 1; c <= last; c++) {
      const cell = row.getCell(c);
      cell.border = border;
      cell.font = { name: '仿宋_GB2312', size: 12 };
      cell.alignment = {
        vertical: 'middle',
        wrapText: true,
        horizontal: c === 1 ? 'center' : 'left',
      };
    }
  });
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** The office mails the list to the office mailbox from an office member's address. */
export async function agreedItemsMail(opts: {
  date: Date;
  messageId: string;
  from?: string;
  items?: readonly DemoItem[];
}): Promise<Buffer> {
  return mailWithSheet({
    from: opts.from ?? 'office@example.cn',
    subject: `${DEMO_MEETING.name}议定事项`,
    date: opts.date,
    messageId: opts.messageId,
    text: `现将${DEMO_MEETING.name}议定事项清单发送，请录入督办。`,
    attachments: [{ filename: XLSX_NAME, content: await agreedItemsWorkbook(opts.items) }],
  });
}

// ---------------------------------------------------------------------------------------------
// A unit's answers in its weekly sheet

export const ITEM_REPORT_SHEET = '议定事项落实情况';

export interface DemoItemReport {
  /** The item's id (编号), as the template lists it. */
  id: string;
  progress: string;
  status: '已办结' | '推进中' | '未启动';
}

const cellText = (cell: ExcelJS.Cell): string => (cell.text ?? '').replace(/\s+/g, '');

/**
 * Writes the unit's answers into the 议定事项落实情况 sheet of its template (found by name, its
 * columns by header text) and returns the workbook. Every report must name an item the sheet
 * lists.
 */
export async function fillItemReports(
  xlsx: Uint8Array,
  reports: readonly DemoItemReport[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(xlsx) as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(ITEM_REPORT_SHEET);
  if (!ws) throw new Error(`the workbook has no sheet ${ITEM_REPORT_SHEET}`);

  let headerRow = 0;
  const columns = new Map<string, number>();
  for (let r = 1; r <= Math.min(ws.rowCount, 20) && !headerRow; r++) {
    ws.getRow(r).eachCell((cell, c) => {
      if (cellText(cell) === '编号') headerRow = r;
      columns.set(cellText(cell), c);
    });
    if (!headerRow) columns.clear();
  }
  if (!headerRow) throw new Error(`${ITEM_REPORT_SHEET} has no header row with 编号`);
  const col = (label: string): number => {
    for (const [text, c] of columns) if (text.startsWith(label)) return c;
    throw new Error(`${ITEM_REPORT_SHEET} has no ${label} column`);
  };
  const [id, progress, status] = ['编号', '落实情况', '是否办结'].map(col) as [
    number,
    number,
    number,
  ];

  for (const report of reports) {
    let found = false;
    for (let r = headerRow + 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      if (cellText(row.getCell(id)) !== report.id) continue;
      row.getCell(progress).value = report.progress;
      row.getCell(status).value = report.status;
      found = true;
      break;
    }
    if (!found) throw new Error(`${ITEM_REPORT_SHEET} lists no item ${report.id}`);
  }
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import {
  agreedItemsMail,
  agreedItemsWorkbook,
  DEMO_ITEMS,
  fillItemReports,
  ITEM_REPORT_SHEET,
} from '../../src/dev/demo/items';

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return wb;
}

const rowTexts = (ws: ExcelJS.Worksheet, r: number, width: number): string[] =>
  Array.from({ length: width }, (_, i) => ws.getRow(r).getCell(i + 1).text);

describe('the demo meeting’s list of agreed items', () => {
  it('is a workbook with the title, the meeting’s date above the header, and the three items', async () => {
    const ws = (await load(await agreedItemsWorkbook())).worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.getCell('A1').text).toBe('区重点项目联合会议（第1次）议定事项');
    expect(ws.getCell('A2').text).toBe('会议时间：2021年3月16日');
    expect(rowTexts(ws, 3, 7)).toEqual([
      '序号',
      '所属项目',
      '议定事项',
      '责任单位',
      '配合单位',
      '办结时限',
      '备注',
    ]);
    const rows = [4, 5, 6].map((r) => {
      const row = ws.getRow(r);
      const due = row.getCell(6).value;
      return [
        row.getCell(1).value,
        row.getCell(2).text,
        row.getCell(3).text,
        row.getCell(4).text,
        row.getCell(5).text,
        due instanceof Date ? due.toISOString().slice(0, 10) : due,
        row.getCell(7).text,
      ];
    });
    expect(rows).toEqual([
      [1, '锦川实验小学项目', '完成工程量清算审定并报送概算调整', '区教育局', '', '2021-03-26', ''],
      [
        2,
        '泉港坝头溪流域综合整治项目',
        '落实管线迁改资金150万元',
        '区农水局',
        '区财政局',
        '2021-03-26',
        '',
      ],
      [
        3,
        '泉港高铁站前广场及配套工程',
        '化解施工震动引起的群众阻工问题',
        '区交通运输局',
        '新城投资公司',
        '2021-03-19',
        '',
      ],
    ]);
    expect(ws.rowCount).toBe(6);
    expect(DEMO_ITEMS.map((i) => i.projectId)).toEqual(['p1', 'p4', 'p3']);
  });

  it('travels in a mail from the office to the office mailbox', async () => {
    const raw = await agreedItemsMail({
      date: new Date('2021-03-16T08:00:00Z'),
      messageId: '<items-1@example.cn>',
    });
    const mail = await simpleParser(raw);
    expect(mail.from?.value[0]?.address).toBe('office@example.cn');
    expect(mail.subject).toBe('区重点项目联合会议（第1次）议定事项');
    expect(mail.messageId).toBe('<items-1@example.cn>');
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      '区重点项目联合会议（第1次）议定事项.xlsx',
    ]);
    const attached = mail.attachments[0];
    if (!attached) throw new Error('no attachment');
    const ws = (await load(attached.content)).worksheets[0];
    expect(ws?.getCell('C4').text).toBe('完成工程量清算审定并报送概算调整');
  });
});

/**
 * A template as the weekly sheet carries it: the issue sheet first, then 议定事项落实情况 with a
 * title and a note above its header, and a drop-down on 是否办结. Its columns are not where the
 * filler might guess them.
 */
async function template(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('问题清单').getCell('A1').value = '附件';
  const ws = wb.addWorksheet(ITEM_REPORT_SHEET);
  ws.getCell('A1').value = '议定事项落实情况';
  ws.getCell('A2').value = '填报说明：请逐项填写落实情况，并在“是否办结”中选择。';
  ws.getRow(3).values = ['编号', '议定事项', '办结时限', '落实情况', '是否办结（请选择）'];
  ws.getRow(4).values = [
    '20210316-1',
    '完成工程量清算审定并报送概算调整',
    '3月26日',
    '上周进展',
    '推进中',
  ];
  ws.getRow(5).values = ['20210316-9', '另一事项', '4月30日', null, null];
  for (const r of [4, 5]) {
    ws.getCell(r, 5).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"已办结,推进中,未启动"'],
    };
  }
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe('a unit’s answers in the 议定事项落实情况 sheet', () => {
  it('writes 落实情况 and 是否办结 on the row of each item, and leaves the rest as it was', async () => {
    const filled = await fillItemReports(await template(), [
      {
        id: '20210316-1',
        progress: '工程量清算已审定，概算调整已报送区财政局。',
        status: '已办结',
      },
    ]);
    const wb = await load(filled);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', ITEM_REPORT_SHEET]);
    const ws = wb.getWorksheet(ITEM_REPORT_SHEET);
    if (!ws) throw new Error('no sheet');
    expect(rowTexts(ws, 4, 5)).toEqual([
      '20210316-1',
      '完成工程量清算审定并报送概算调整',
      '3月26日',
      '工程量清算已审定，概算调整已报送区财政局。',
      '已办结',
    ]);
    expect(rowTexts(ws, 5, 5)).toEqual(['20210316-9', '另一事项', '4月30日', '', '']);
    expect(ws.getCell('E4').dataValidation).toMatchObject({ type: 'list' });
    expect(wb.getWorksheet('问题清单')?.getCell('A1').text).toBe('附件');
  });

  it('refuses a report on an item the sheet does not list, and a workbook without the sheet', async () => {
    await expect(
      fillItemReports(await template(), [{ id: '20210316-2', progress: '进展', status: '推进中' }]),
    ).rejects.toThrow('议定事项落实情况 lists no item 20210316-2');
    await expect(fillItemReports(await agreedItemsWorkbook(), [])).rejects.toThrow(
      'the workbook has no sheet 议定事项落实情况',
    );
  });
});

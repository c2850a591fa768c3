/** The automatic replies' texts (pure composition): golden strings and the untrusted-input rules. */
import type { Schedule, Unit } from '../../src/config/schedule';
import {
  composeCorrectionRequest,
  composeReceipt,
  composeTooLargeReply,
  composeUnknownSenderReply,
  composeUnreadableReply,
  headerText,
  noAttachmentIssue,
  threadHeaders,
  type ReadSheet,
  type ReplyContext,
} from '../../src/domain/intake/replies';
import type { ParsedSheet } from '../../src/domain/sheet/parse';
import { issue } from '../../src/errors';
import { exampleSchedule } from '../helpers/sheets';

const NOW = new Date('2021-03-15T02:05:00.000Z'); // 10:05 in Asia/Shanghai

let schedule: Schedule;
let jiaoyu: Unit;
beforeAll(async () => {
  schedule = await exampleSchedule();
  const unit = schedule.units.find((u) => u.id === 'jiaoyu');
  if (!unit) throw new Error('example schedule has no unit jiaoyu');
  jiaoyu = unit;
});

function context(over: Partial<ReplyContext> = {}): ReplyContext {
  return {
    schedule,
    unit: jiaoyu,
    reportingWeek: '2021-03-15',
    late: false,
    deadline: '2021-03-15T18:00:00+08:00',
    receivedAt: '2021-03-15T02:02:00.000Z',
    original: {
      messageId: '<abc123@mail.example.cn>',
      references: ['<root@mail.example.cn>'],
      subject: '教育局问题清单（3月15日）',
      from: { address: 'jiaoyu@example.cn', name: '教育局办公室' },
    },
    attachments: [
      { filename: '问题清单.xlsx', used: true },
      { filename: 'image001.png', used: false, why: '图片，不是Excel工作簿' },
    ],
    ...over,
  };
}

const filledSheet: ParsedSheet = {
  ok: true,
  format: 'xlsx',
  sheet: '问题清单',
  unit: '区教育局',
  filledOn: '2021-03-15',
  projects: [
    {
      name: '锦川实验小学',
      projectId: 'p1',
      cell: 'B6',
      leadUnits: ['教育局'],
      targets: [
        {
          text: '完成项目工程量清算',
          due: '2021-02-25',
          dueText: '2月25日',
          cell: 'E6',
          status: null,
        },
        { text: '完成重新招投标', due: '2021-03-30', dueText: '3月30日', cell: 'E7', status: null },
        { text: '项目重新开工', due: null, dueText: '月底', cell: 'E8', status: null },
      ],
      problems: {
        approval: '施工许可证待换发',
        funding: '追加概算待审批',
        land: null,
        construction: '原施工单位退场',
        community: null,
      },
      uncategorizedProblems: null,
      responsibleDepartments: ['区财政局', '区住建局'],
      progress: '已召开专题协调会',
      nextSteps: null,
    },
  ],
  issues: [issue('DUE_DATE_UNREADABLE', '完成时限“月底”无法识别为日期，请填写如“3月31日”。', 'E8')],
};

const legacySheet: ParsedSheet = {
  ok: false,
  format: 'xlsx',
  sheet: null,
  unit: null,
  filledOn: null,
  projects: [],
  issues: [
    issue(
      'LEGACY_FORMAT',
      '附件为旧版Excel（.xls）或WPS表格（.et）格式，暂不支持读取。请在WPS或Excel中选择“另存为”，文件类型选“Excel工作簿（*.xlsx）”，保存后重新发送。',
    ),
  ],
};

const used: ReadSheet[] = [{ filename: '问题清单.xlsx', parsed: filledSheet }];
const template = {
  filename: '问题清单-jiaoyu-2021-03-15.xlsx',
  content: Buffer.from('PK\x03\x04'),
};

const RECEIPT_TEXT = `区教育局：

你单位于2021年3月15日（星期一）10:02发送的问题清单已收到，读取情况如下。

报送单位：区教育局
报送周次：2021年3月15日当周
报送情况：按时（截止时间为2021年3月15日（星期一）18:00）

读取到的内容（共1个项目）：

一、锦川实验小学（即“锦川实验小学项目”）
  攻坚目标：3项
  存在问题：已填写项目审批、资金概算、工程施工方面；规划用地、群众工作方面未填写或为“无”
  问题责任部门：2个（区财政局、区住建局）
  协调推进情况：已填写
  下阶段工作对策建议：未填写

请核对以下内容（共1处，本次报送已记录）：
1. E8：完成时限“月底”无法识别为日期，请填写如“3月31日”。

以下附件未使用：
- image001.png：图片，不是Excel工作簿

如需更正，请修改后重新发送问题清单，以最后收到的一份为准。

本邮件由系统自动发送。如有疑问，请与联合会议办公室联系。

联合会议办公室
2021年3月15日
`;

const CORRECTION_TEXT = `区教育局：

你单位于2021年3月15日（星期一）10:02发送的邮件已收到，但未能从中读取问题清单，本周报送尚未完成。请按以下说明修改后重新发送。

报送单位：区教育局
报送周次：2021年3月15日当周
截止时间：2021年3月15日（星期一）18:00

需要修改的内容：
1. 附件“问题清单.xls”：附件为旧版Excel（.xls）或WPS表格（.et）格式，暂不支持读取。请在WPS或Excel中选择“另存为”，文件类型选“Excel工作簿（*.xlsx）”，保存后重新发送。

修改方法：
- 本邮件附有你单位本周的问题清单“问题清单-jiaoyu-2021-03-15.xlsx”，已预填项目名称、攻坚目标和完成时限，可直接在其中填写。
- 请将问题清单作为附件发送至本邮箱（Excel或WPS表格、Word文档均可，建议保存为.xlsx格式）；不要设置密码，也不要使用“超大附件”链接。
- 存在问题请在“项目审批方面”“资金概算方面”“规划用地方面”“工程施工方面”“群众工作方面”之后分别填写，没有的写“无”。
- 完成时限请填写具体日期，如“3月31日”。

收到修改后的问题清单后将另行回复；如多次发送，以最后收到的一份为准。

本邮件由系统自动发送。如有疑问，请与联合会议办公室联系。

联合会议办公室
2021年3月15日
`;

describe('the receipt', () => {
  it('says what was read per project, every warning with its cell, and ignored attachments', () => {
    const reply = composeReceipt(context(), used, NOW);
    expect(reply.kind).toBe('receipt');
    expect(reply.autoSubmitted).toBe('auto-replied');
    expect(reply.subject).toBe('已收到：区教育局 2021年3月15日当周问题清单');
    expect(reply.text).toBe(RECEIPT_TEXT);
    expect(reply.to).toEqual({ name: '区教育局', address: 'jiaoyu@example.cn' });
    expect(reply.attachments).toEqual([]);
  });

  it('is threaded: In-Reply-To is the original Message-ID, References end with it', () => {
    const reply = composeReceipt(context(), used, NOW);
    expect(reply.inReplyTo).toBe('<abc123@mail.example.cn>');
    expect(reply.references).toEqual(['<root@mail.example.cn>', '<abc123@mail.example.cn>']);
  });

  it('says late, with the deadline, when the sheet came after it', () => {
    const reply = composeReceipt(context({ late: true }), used, NOW);
    expect(reply.text).toContain('报送情况：逾期，截止时间为2021年3月15日（星期一）18:00\n');
  });

  it('has an HTML alternative with the same content, escaped', () => {
    const hostile: ParsedSheet = {
      ...filledSheet,
      projects: filledSheet.projects.map((p) => ({
        ...p,
        responsibleDepartments: ['<script>alert(1)</script>'],
      })),
    };
    const reply = composeReceipt(context(), [{ filename: 'a.xlsx', parsed: hostile }], NOW);
    expect(reply.html).toContain('<meta charset="utf-8">');
    expect(reply.html).toContain('E8：完成时限“月底”无法识别为日期');
    expect(reply.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reply.html).not.toContain('<script>');
  });

  it('names the file of each project and warning when several sheets were read', () => {
    const second: ReadSheet = {
      filename: '补充.xlsx',
      parsed: { ...filledSheet, issues: [] },
      issues: [issue('PROJECT_MISSING', '表中缺少本单位牵头的项目“某项目”，请补充填写。')],
    };
    const reply = composeReceipt(context(), [...used, second], NOW);
    expect(reply.text).toContain('读取到的内容（共2个项目）：');
    expect(reply.text).toContain('二、锦川实验小学（即“锦川实验小学项目”）（附件“补充.xlsx”）');
    expect(reply.text).toContain('1. 附件“问题清单.xlsx” E8：完成时限“月底”');
    expect(reply.text).toContain('2. 附件“补充.xlsx”：表中缺少本单位牵头的项目');
  });

  it('summarises the problem categories, including text outside them', () => {
    const loose: ParsedSheet = {
      ...filledSheet,
      projects: filledSheet.projects.map((p) => ({
        ...p,
        projectId: null,
        problems: {
          approval: null,
          funding: null,
          land: null,
          construction: null,
          community: null,
        },
        uncategorizedProblems: '资金不到位，施工队未进场',
      })),
    };
    const text = composeReceipt(context(), [{ filename: 'a.xlsx', parsed: loose }], NOW).text;
    expect(text).toContain('一、锦川实验小学（未能与本批重点项目对应）');
    expect(text).toContain('存在问题：未按五个方面填写（内容已整体记录）');
  });
});

describe('the correction request', () => {
  it('lists what to fix with its file and says how, with the pre-filled template attached', () => {
    const reply = composeCorrectionRequest(
      context({ attachments: [{ filename: '问题清单.xls', used: false, why: '旧版格式' }] }),
      { sheets: [{ filename: '问题清单.xls', parsed: legacySheet }], template },
      NOW,
    );
    expect(reply.kind).toBe('correction_request');
    expect(reply.subject).toBe('请修改后重新发送：区教育局 2021年3月15日当周问题清单');
    expect(reply.text).toBe(CORRECTION_TEXT);
    expect(reply.attachments).toEqual([
      {
        filename: '问题清单-jiaoyu-2021-03-15.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        content: template.content,
      },
    ]);
  });

  it('covers a mail without any attachment (NO_ATTACHMENT)', () => {
    const reply = composeCorrectionRequest(
      context({ attachments: [] }),
      { sheets: [], issues: [noAttachmentIssue()], template: null },
      NOW,
    );
    expect(noAttachmentIssue()).toMatchObject({ code: 'NO_ATTACHMENT', severity: 'error' });
    expect(reply.text).toContain(
      '需要修改的内容：\n1. 邮件未附问题清单。请将填好的问题清单（Excel工作簿，.xlsx）作为附件发送，不要粘贴在正文中。\n',
    );
    expect(reply.text).not.toContain('本邮件附有');
  });

  it('lists errors before warnings, with their cells', () => {
    const unfilled: ParsedSheet = {
      ...filledSheet,
      ok: false,
      issues: [
        issue(
          'TARGET_WITHOUT_DUE',
          '攻坚目标“项目重新开工”未填写完成时限，请补充，如“3月31日”。',
          'E8',
        ),
        issue(
          'NOT_FILLED',
          '表格尚未填写：存在问题、问题责任部门、协调推进情况、下阶段工作对策建议均为空。请填写后重新发送。',
          'B6',
        ),
      ],
    };
    const text = composeCorrectionRequest(
      context(),
      { sheets: [{ filename: '问题清单.xlsx', parsed: unfilled }], template },
      NOW,
    ).text;
    expect(text).toContain('1. 附件“问题清单.xlsx” B6：表格尚未填写');
    expect(text).toContain('2. 附件“问题清单.xlsx” E8：攻坚目标“项目重新开工”未填写完成时限');
  });

  it('says when the deadline has passed', () => {
    const text = composeCorrectionRequest(
      context(),
      { sheets: [], issues: [noAttachmentIssue()], template: null },
      new Date('2021-03-15T10:30:00.000Z'),
    ).text;
    expect(text).toContain('截止时间：2021年3月15日（星期一）18:00（已过，请尽快重新发送）\n');
  });
});

describe('the reply to an unknown sender', () => {
  it('is short and neutral, and gives away nothing of the programme or the incoming mail', () => {
    const reply = composeUnknownSenderReply(
      context({
        unit: null,
        original: {
          messageId: '<x1@elsewhere.example.org>',
          references: [],
          subject: '区教育局 锦川实验小学项目 内部资料',
          from: { address: 'someone@elsewhere.example.org', name: '区教育局' },
        },
      }),
      NOW,
    );
    expect(reply.subject).toBe('自动回复：发件地址未登记');
    expect(reply.to).toEqual({ name: '', address: 'someone@elsewhere.example.org' });
    expect(reply.text).toBe(
      '您好：\n\n本邮箱仅接收已登记单位报送的重点项目问题清单。您的发件地址不在已登记单位的地址中，来信未作处理。\n\n如需登记发件地址，请联系联合会议办公室。\n\n本邮件由系统自动发送。\n\n联合会议办公室\n2021年3月15日\n',
    );
    const everything = reply.subject + reply.text + reply.html;
    for (const secret of [
      ...schedule.units.flatMap((u) => [u.name, ...u.aliases]),
      ...schedule.projects.map((p) => p.name),
      schedule.programme.name,
      '内部资料',
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(reply.inReplyTo).toBe('<x1@elsewhere.example.org>');
  });
});

describe('the reply to a message over the size limit', () => {
  it('tells a unit the size and the limit, in its thread', () => {
    const reply = composeTooLargeReply(
      context(),
      { sizeBytes: 36_909_875, limitBytes: 25 * 1024 * 1024 },
      NOW,
    );
    expect(reply.kind).toBe('too_large');
    expect(reply.subject).toBe('回复：教育局问题清单（3月15日）');
    expect(reply.text).toContain(
      '你单位于2021年3月15日（星期一）10:02发送的邮件约35.2 MB，超过本邮箱可处理的上限（25 MB），未作处理。',
    );
  });

  it('echoes nothing to an unknown sender', () => {
    const reply = composeTooLargeReply(
      context({ unit: null }),
      { sizeBytes: 30 * 1024 * 1024, limitBytes: 25 * 1024 * 1024 },
      NOW,
    );
    expect(reply.subject).toBe('自动回复：邮件过大未能处理');
    expect(reply.text.startsWith('您好：\n\n您发送的邮件约30 MB')).toBe(true);
    expect(reply.text).not.toContain('教育局');
  });
});

describe('the notice to a unit whose mail could not be read', () => {
  it('says why, that nothing was read, and how to send again, in its thread', () => {
    const complex = composeUnreadableReply(
      context({ attachments: [] }),
      'MESSAGE_TOO_COMPLEX',
      NOW,
    );
    expect(complex.kind).toBe('unreadable');
    expect(complex.to.address).toBe('jiaoyu@example.cn');
    expect(complex.subject).toBe('回复：教育局问题清单（3月15日）');
    expect(complex.inReplyTo).toBe('<abc123@mail.example.cn>');
    expect(complex.text).toContain(
      '你单位于2021年3月15日（星期一）10:02发送的邮件结构过于复杂（嵌套层级或部件过多），系统无法读取，未能读取其中的附件，来信未作处理。',
    );
    expect(complex.text).toContain(
      '请将填好的问题清单直接作为附件，以一封新邮件重新发送，勿嵌套转发',
    );
    const broken = composeUnreadableReply(context({ attachments: [] }), 'MESSAGE_UNREADABLE', NOW);
    expect(broken.text).toContain('邮件格式无法识别或已损坏，系统无法读取');
  });
});

describe('untrusted header material', () => {
  it('never lets a subject carry a line break, control or bidi character', () => {
    const reply = composeTooLargeReply(
      context({
        original: {
          ...context().original,
          subject: 'Re: 问题清单\r\nBcc: evil@example.org\r\n\u202eX-Evil: 1\u0000',
        },
      }),
      { sizeBytes: 1, limitBytes: 1 },
      NOW,
    );
    expect(reply.subject).toBe('回复：问题清单 Bcc: evil@example.org X-Evil: 1');
    expect(reply.subject).not.toMatch(/[\p{Cc}\u202e]/u);
  });

  it('caps long text without splitting a character', () => {
    expect(headerText('问'.repeat(300), 10)).toBe(`${'问'.repeat(9)}…`);
    expect(headerText('😀'.repeat(5), 3)).toBe('😀😀…');
    expect(headerText(' a\t\tb\u2028c ')).toBe('a b c');
  });

  it('keeps only well-formed Message-IDs in the thread headers', () => {
    const thread = threadHeaders({
      messageId: 'bare@mail.example.cn',
      references: [
        '<ok@a.example>',
        '<bad\r\nBcc: evil@example.org>',
        'no-at-sign',
        '<ok@a.example>',
      ],
      subject: '',
      from: { address: 'x@example.cn', name: '' },
    });
    expect(thread).toEqual({
      inReplyTo: '<bare@mail.example.cn>',
      references: ['<ok@a.example>', '<bare@mail.example.cn>'],
    });
    expect(
      threadHeaders({
        messageId: '<a\nb@c>',
        references: [],
        subject: '',
        from: { address: '', name: '' },
      }),
    ).toEqual({ inReplyTo: null, references: [] });
  });

  it('trims a long References chain to the root and the latest ids', () => {
    const refs = Array.from({ length: 30 }, (_, i) => `<m${i}@example.cn>`);
    const { references } = threadHeaders({
      messageId: '<last@example.cn>',
      references: refs,
      subject: '',
      from: { address: '', name: '' },
    });
    expect(references).toHaveLength(20);
    expect(references[0]).toBe('<m0@example.cn>');
    expect(references.at(-1)).toBe('<last@example.cn>');
  });

  it('never uses the display name of the incoming From', () => {
    const reply = composeReceipt(
      context({
        original: {
          ...context().original,
          from: { address: 'jiaoyu@example.cn', name: 'x\r\nBcc: evil@example.org' },
        },
      }),
      used,
      NOW,
    );
    expect(reply.to).toEqual({ name: '区教育局', address: 'jiaoyu@example.cn' });
  });
});

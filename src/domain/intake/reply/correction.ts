/** The request to correct and send again (请修改后重新发送), with the unit's template. */
import type { Block } from '../../mail-body';
import { issue, type Issue } from '../../../errors';
import {
  bySeverity,
  deadlineText,
  greeting,
  located,
  parseInstant,
  recipient,
  reply,
  replySubject,
  unitAndWeek,
  when,
  sendAgainEnding,
  templateAttachment,
  templateOffer,
} from './common';
import type { ComposedReply, CorrectionInput, ReplyContext } from './types';

/** The issue for a message without any attachment that could be the sheet. */
export function noAttachmentIssue(): Issue {
  return issue(
    'NO_ATTACHMENT',
    '邮件未附问题清单。请将填好的问题清单（Excel工作簿，.xlsx）作为附件发送，不要粘贴在正文中。',
  );
}

/**
 * The request to correct and send again, when nothing usable arrived: each error and warning
 * with its file and cell, how to fix it, and the unit's pre-filled template attached.
 */
export function composeCorrectionRequest(
  ctx: ReplyContext,
  input: CorrectionInput,
  now: Date,
): ComposedReply {
  const blocks: Block[] = [greeting(ctx)];
  blocks.push({
    type: 'para',
    lines: [
      `你单位${when(ctx)}发送的邮件已收到，但未能从中读取问题清单，本周报送尚未完成。请按以下说明修改后重新发送。`,
    ],
  });

  const facts = unitAndWeek(ctx);
  const deadline = deadlineText(ctx);
  const deadlineAt = parseInstant(ctx.deadline);
  if (deadline && deadlineAt) {
    const passed = now.getTime() > deadlineAt.getTime();
    facts.push(`截止时间：${deadline}${passed ? '（已过，请尽快重新发送）' : ''}`);
  }
  if (facts.length > 0) blocks.push({ type: 'para', lines: facts });

  const items = [
    ...bySeverity(input.issues ?? []).map((i) => located(i.message, i.cell, null)),
    ...input.sheets.flatMap((s) =>
      bySeverity([...s.parsed.issues, ...(s.issues ?? [])]).map((i) =>
        located(i.message, i.cell, s.filename),
      ),
    ),
  ];
  if (items.length > 0) {
    blocks.push({ type: 'list', title: '需要修改的内容：', items, ordered: true });
  }

  const how = [
    ...templateOffer(input.template),
    '请将问题清单作为附件发送至本邮箱（Excel或WPS表格、Word文档均可，建议保存为.xlsx格式）；不要设置密码，也不要使用“超大附件”链接。',
    '存在问题请在“项目审批方面”“资金概算方面”“规划用地方面”“工程施工方面”“群众工作方面”之后分别填写，没有的写“无”。',
    '完成时限请填写具体日期，如“3月31日”。',
  ];
  blocks.push({ type: 'list', title: '修改方法：', items: how, ordered: false });
  blocks.push(
    ...sendAgainEnding(
      ctx,
      input.sheets,
      now,
      '收到修改后的问题清单后将另行回复；如多次发送，以最后收到的一份为准。',
    ),
  );
  const attachments = templateAttachment(input.template);
  return reply(
    'correction_request',
    ctx,
    recipient(ctx),
    replySubject(ctx, '请修改后重新发送'),
    blocks,
    attachments,
  );
}

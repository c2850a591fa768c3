/** The neutral answer to an unregistered sender, and the notice that a mail was too large. */
import type { Block } from '../../mail-body';
import { closing, greeting, megabytes, recipient, reply, reSubject, when } from './common';
import type { ComposedReply, ReplyContext, SizeLimit } from './types';

/**
 * The neutral answer to a sender whose address belongs to no registered unit. It says only
 * what the mailbox is for and whom to ask; it echoes nothing of the incoming mail.
 */
export function composeUnknownSenderReply(
  ctx: Pick<ReplyContext, 'schedule' | 'original'>,
  now: Date,
): ComposedReply {
  const { signature } = ctx.schedule.programme;
  const blocks: Block[] = [
    { type: 'para', lines: ['您好：'] },
    {
      type: 'para',
      lines: [
        '本邮箱仅接收已登记单位报送的重点项目问题清单。您的发件地址不在已登记单位的地址中，来信未作处理。',
      ],
    },
    { type: 'para', lines: [`如需登记发件地址，请联系${signature}。`] },
    ...closing(ctx.schedule, now, false),
  ];
  return reply(
    'unknown_sender',
    ctx,
    { name: '', address: ctx.original.from.address },
    '自动回复：发件地址未登记',
    blocks,
  );
}

/**
 * The notice that a message exceeded the size limit and was not processed. For a registered
 * unit it is a reply in the thread; for anyone else it echoes nothing of the incoming mail.
 */
export function composeTooLargeReply(ctx: ReplyContext, size: SizeLimit, now: Date): ComposedReply {
  const you = ctx.unit ? '你单位' : '您';
  const blocks: Block[] = [
    greeting(ctx),
    {
      type: 'para',
      lines: [
        `${you}${ctx.unit ? when(ctx) : ''}发送的邮件约${megabytes(size.sizeBytes)}，超过本邮箱可处理的上限（${megabytes(size.limitBytes)}），未作处理。`,
      ],
    },
    {
      type: 'para',
      lines: [
        '请仅将填好的问题清单（Excel工作簿，.xlsx）作为附件重新发送，不要附带照片、扫描件或压缩包。',
      ],
    },
    ...closing(ctx.schedule, now),
  ];
  const subject = ctx.unit ? reSubject(ctx.original.subject) : '自动回复：邮件过大未能处理';
  return reply('too_large', ctx, recipient(ctx), subject, blocks);
}

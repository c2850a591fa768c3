/** The answer to a registered unit whose mail could not be read at all (too complex, broken). */
import type { Block } from '../../mail-body';
import { closing, greeting, recipient, reply, reSubject, when } from './common';
import type { ComposedReply, ReplyContext } from './types';

/** Why the message could not be read: the reader's error code. */
export type UnreadableCause = 'MESSAGE_TOO_COMPLEX' | 'MESSAGE_UNREADABLE';

/**
 * A short notice to a known unit (ctx.unit set): its mail could not be read, so nothing in it
 * was read; send the sheet again as a plain attachment. Only for units: an unknown or automatic
 * sender is never answered (the caller decides).
 */
export function composeUnreadableReply(
  ctx: ReplyContext,
  cause: UnreadableCause,
  now: Date,
): ComposedReply {
  const what =
    cause === 'MESSAGE_TOO_COMPLEX'
      ? '邮件结构过于复杂（嵌套层级或部件过多），系统无法读取'
      : '邮件格式无法识别或已损坏，系统无法读取';
  const blocks: Block[] = [
    greeting(ctx),
    {
      type: 'para',
      lines: [`你单位${when(ctx)}发送的${what}，未能读取其中的附件，来信未作处理。`],
    },
    {
      type: 'para',
      lines: [
        '请将填好的问题清单直接作为附件，以一封新邮件重新发送，勿嵌套转发（不要将邮件作为附件转发，或多次转发后发送）。',
      ],
    },
    ...closing(ctx.schedule, now),
  ];
  return reply('unreadable', ctx, recipient(ctx), reSubject(ctx.original.subject), blocks);
}

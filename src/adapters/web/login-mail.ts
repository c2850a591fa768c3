/** The mail carrying a console sign-in link (zh-CN, to the address that asked for it). */
import { mailAddress } from '../../domain/mail/address';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import { loginKey } from '../../domain/mail-key';
import { LOGIN_LINK_MINUTES, type LoginLink } from './sign-in';

export function loginLinkMail(input: {
  link: LoginLink;
  to: string;
  from: string;
  signature: string;
}): OutgoingMail {
  const text = [
    '您好：',
    '',
    `有人以本邮箱地址申请登录督办系统。请在 ${LOGIN_LINK_MINUTES} 分钟内打开以下链接，并点击页面上的“登录”按钮：`,
    '',
    input.link.url,
    '',
    '该链接仅可使用一次。如非本人申请，请忽略本邮件，无需其他操作。',
    '',
    input.signature,
  ].join('\n');
  return {
    key: loginKey(input.link.tokenHash),
    kind: 'login_link',
    autoSubmitted: 'auto-generated',
    from: mailAddress(input.from, input.signature),
    to: [mailAddress(input.to)],
    cc: [],
    subject: '督办系统登录链接',
    text,
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
  };
}

/** How the console names an outgoing mail's state (outgoing_mails.status), in zh-CN. */
export const MAIL_STATUS_LABELS: Readonly<Record<string, string>> = {
  queued: '待发送',
  claimed: '发送中',
  sent: '已发送',
  failed: '发送失败',
  retrying: '等待重试',
};

export function mailStatusLabel(status: string): string {
  return MAIL_STATUS_LABELS[status] ?? status;
}

/**
 * A cloud-attachment link as the intake records it: an issue of the unusable version (code
 * CLOUD_LINK, its message for the unit) carrying the link itself, so that the status, the
 * reminders and the digest, which read a version's issues, can show the office the file name
 * and the link. Pure.
 */
import { issue, type Issue } from '../../errors';
import type { CloudLink, CloudProvider } from './cloud-links';
import { oneLine } from '../one-line';

/** What is kept of a link: enough for the office to see it, never fetched. */
export interface CloudLinkFact {
  provider: CloudProvider;
  url: string;
  filename: string | null;
}

export interface CloudLinkIssue extends Issue {
  code: 'CLOUD_LINK';
  link: CloudLinkFact;
}

const PROVIDER_ZH: Record<CloudProvider, string> = {
  qq: 'QQ邮箱',
  netease: '网易邮箱',
  coremail: 'Coremail邮件系统',
  exmail: '腾讯企业邮箱',
};

export function providerZh(provider: CloudProvider): string {
  return PROVIDER_ZH[provider];
}

/** "“问题清单.xlsx”（QQ邮箱超大附件，1.2M，2021年3月30日 10:00到期）" */
export function describeCloudLink(link: CloudLink): string {
  const facts = [`${providerZh(link.provider)}超大附件`];
  if (link.size) facts.push(oneLine(link.size, 20, ''));
  if (link.expires) facts.push(`${oneLine(link.expires, 40, '')}到期`);
  const name = link.filename ? `“${oneLine(link.filename, 80)}”` : '未显示文件名的下载链接';
  return `${name}（${facts.join('，')}）`;
}

export function cloudLinkIssue(link: CloudLink): CloudLinkIssue {
  return {
    ...issue(
      'CLOUD_LINK',
      `邮件正文中为超大附件下载链接${describeCloudLink(link)}，未附文件本身。超大附件链接有有效期，系统无法自动下载读取，请将文件本身作为附件发送。`,
    ),
    code: 'CLOUD_LINK',
    link: {
      provider: link.provider,
      url: link.url,
      filename: link.filename === null ? null : oneLine(link.filename, 255, ''),
    },
  };
}

const PROVIDERS: readonly string[] = ['qq', 'netease', 'coremail', 'exmail'];

/** The links recorded in a version's issues, as stored (JSON read back); others are skipped. */
export function cloudLinksOf(issues: readonly unknown[]): CloudLinkFact[] {
  const out: CloudLinkFact[] = [];
  for (const i of issues) {
    const o = (i ?? {}) as { code?: unknown; link?: unknown };
    if (o.code !== 'CLOUD_LINK' || typeof o.link !== 'object' || o.link === null) continue;
    const l = o.link as Record<string, unknown>;
    if (typeof l.url !== 'string' || typeof l.provider !== 'string') continue;
    if (!PROVIDERS.includes(l.provider)) continue;
    out.push({
      provider: l.provider as CloudProvider,
      url: l.url,
      filename: typeof l.filename === 'string' ? l.filename : null,
    });
  }
  return out;
}

/** "仅含超大附件链接（文件名：问题清单.xlsx），未附文件本身": what a mail of links only was. */
export function linksOnlyZh(links: readonly CloudLinkFact[]): string {
  const names = [
    ...new Set(links.map((l) => (l.filename ? oneLine(l.filename, 80) : '未显示文件名'))),
  ];
  const shown = names.slice(0, 3).join('、') + (names.length > 3 ? '等' : '');
  return names.length > 0
    ? `仅含超大附件链接（文件名：${shown}），未附文件本身`
    : '仅含超大附件链接，未附文件本身';
}

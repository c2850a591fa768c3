/**
 * Cloud-attachment links: what webmail puts in the body instead of a file that is too large to
 * attach (QQ Mail 超大附件 and its wx.mail.qq.com form, 163/126 网易大附件, Coremail large
 * attachments, Tencent Exmail). The file itself never reaches the office mailbox, the link
 * expires, and duban does not fetch it: the intake recognises the link to answer precisely
 * ("attach the file itself") instead of "nothing was attached".
 *
 * What the bodies look like (QQ Mail, plain text):
 *
 *     从QQ邮箱发来的超大附件
 *     问题清单.xlsx (1.2M, 2026年12月21日 10:02 到期)进入下载页面：http://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k=…&code=…
 *
 * and in HTML the file name is the anchor's text (or a neighbouring block's), with the size and
 * the expiry in a span after it: `<a href="https://mail.163.com/large-attachment-download/…">
 * 问题清单.xlsx</a><span> (80.96M, 2026年8月17日 0:49 到期)</span>`.
 *
 * Recognition is by the link's host and path (never by wording alone), so an ordinary link to a
 * website or a signature is not one; a Coremail server's plain "…/attachment?…" or "…/download…"
 * link counts only under a "超大附件" heading. Pure, and linear in the body: the HTML is
 * flattened by one scan (anchors become their text followed by their href), the text bodies are
 * scanned with bounded patterns, and at most MAX_LINKS links are returned.
 */

export type CloudProvider = 'qq' | 'netease' | 'coremail' | 'exmail';

export interface CloudLink {
  provider: CloudProvider;
  /** The link as written (HTML entities decoded), at most MAX_URL characters. */
  url: string;
  /** The file name the mail shows for it, or null when it shows none. */
  filename: string | null;
  /** The size as shown ("1.2M"), or null. */
  size: string | null;
  /** The expiry as shown ("2026年12月21日 10:02"), or null. */
  expires: string | null;
}

/** Characters of each body looked at (the text body is already capped by the parser). */
const MAX_SCAN = 400_000;
const MAX_LINKS = 20;
const MAX_URL = 2000;
/** Characters of a line looked at on either side of a link. */
const LINE_REACH = 300;
/** How far before a link a "超大附件" heading makes a Coremail-style link count. */
const HEADING_REACH = 1500;
/** Non-empty lines above and below a link looked at for its name, size and expiry. */
const NEAR_LINES = 3;

const URL_PATTERN = /https?:\/\/[^\s<>"'`，。；、）】》「」\u3000]{1,2000}/giu;
const HEADING = /超大附件|大附件|large attachment/giu;

interface Parsed {
  host: string;
  path: string;
}

function parseUrl(url: string): Parsed | null {
  const m = /^https?:\/\/([^/?#:]+)(?::\d+)?([^?#]*)/i.exec(url);
  if (!m) return null;
  return { host: (m[1] ?? '').toLowerCase(), path: (m[2] ?? '').toLowerCase() };
}

function hostIs(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

const FTN_PATH = /^\/(?:cgi-bin\/ftnexs_download|ftn\/download)\b/;
/** Paths that name a large attachment whatever the server (Coremail's largeattachment). */
const CORE_PATH = /largeattach|large[-_]attach|bigattach|big[-_]attach/;
/** Paths that are a large attachment only under a "超大附件" heading (a Coremail server's). */
const CORE_WEAK_PATH = /\/bigfile\b|netfile|\/attachment\b|download|\/coremail\//;

/** The provider a link belongs to by its host and path alone, or null. */
export function cloudProviderOf(url: string): CloudProvider | null {
  const p = parseUrl(url);
  if (!p) return null;
  const { host, path } = p;
  if (hostIs(host, 'exmail.qq.com')) return FTN_PATH.test(path) ? 'exmail' : null;
  if (hostIs(host, 'mail.qq.com')) return FTN_PATH.test(path) ? 'qq' : null;
  if (hostIs(host, 'qq.com')) return null;
  const netease = ['163.com', '126.com', 'yeah.net'].some((d) => hostIs(host, d));
  if (netease) {
    if (path.startsWith('/large-attachment-download')) return 'netease';
    if (/^fs\.mail\.(?:163|126)\.com$/.test(host) && path.length > 1) return 'netease';
    if (host === 'dashi.163.com' && /cloud-attachment|filehub/.test(path)) return 'netease';
    return null;
  }
  if (CORE_PATH.test(path)) return 'coremail';
  return null;
}

/** A link that is a Coremail large attachment only when a "超大附件" heading stands above it. */
function coremailUnderHeading(url: string): boolean {
  const p = parseUrl(url);
  if (!p) return false;
  const known = ['qq.com', '163.com', '126.com', 'yeah.net'].some((d) => hostIs(p.host, d));
  return !known && CORE_WEAK_PATH.test(p.path);
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
};

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : ' ';
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const BLOCK_TAGS = new Set([
  'br',
  'p',
  'div',
  'tr',
  'li',
  'table',
  'tbody',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'blockquote',
  'hr',
]);
const HIDDEN_TAGS = new Set(['style', 'script', 'head', 'title']);
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/**
 * The HTML body as the reader sees it, one block per line, each anchor's text followed by its
 * href (so the text scan sees "问题清单.xlsx https://…"). One pass: every tag is found with
 * indexOf, and a tag without its ">" ends the scan.
 */
export function flattenHtml(html: string): string {
  const src = html.length > MAX_SCAN ? html.slice(0, MAX_SCAN) : html;
  const lower = src.toLowerCase();
  const out: string[] = [];
  const hrefs: Array<string | null> = [];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      out.push(decodeEntities(src.slice(i)));
      break;
    }
    if (lt > i) out.push(decodeEntities(src.slice(i, lt)));
    if (lower.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const gt = src.indexOf('>', lt + 1);
    if (gt < 0) break;
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    const m = /^(\/?)([a-z][a-z0-9]*)/i.exec(tag);
    if (!m) continue;
    const closing = m[1] === '/';
    const name = (m[2] ?? '').toLowerCase();
    if (!closing && HIDDEN_TAGS.has(name)) {
      const end = lower.indexOf(`</${name}`, i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (name === 'a') {
      if (closing) {
        const href = hrefs.pop();
        if (href) out.push(` ${href} `);
      } else {
        const h = tag.length <= 4000 ? HREF.exec(tag) : null;
        const href = h ? decodeEntities((h[1] ?? h[2] ?? h[3] ?? '').trim()) : '';
        hrefs.push(/^https?:\/\//i.test(href) ? href.slice(0, MAX_URL) : null);
        // An anchor left open by a broken body still shows its link once.
        if (hrefs.length > 50) hrefs.shift();
      }
      continue;
    }
    if (BLOCK_TAGS.has(name)) out.push('\n');
    else if (name === 'td' || name === 'th' || name === 'span') out.push(' ');
  }
  for (const href of hrefs) if (href) out.push(` ${href} `);
  return out.join('');
}

/** A link's end trimmed of punctuation a sentence put after it. */
function trimUrl(url: string): string {
  return url.replace(/[.,;:!?)\]}>'"]+$/u, '');
}

const FILE_EXT =
  'xlsx|xlsm|xls|et|ett|ods|csv|docx|doc|wps|wpt|odt|pdf|zip|rar|7z|tar|gz|txt|ppt|pptx|jpg|jpeg|png|mp4|wav|pth|dat';
/** A file name with a known extension: spaces and parentheses inside allowed, no separators. */
const NAMED_FILE = new RegExp(
  `([^\\s<>()（）\\[\\]【】"'|:：\\\\/,，;；][^<>\\[\\]【】"'|:：\\\\/\\n,，;；]{0,150}?\\.(?:${FILE_EXT}))(?![a-z0-9])`,
  'iu',
);
const SIZE = /[(（]\s*(\d{1,6}(?:\.\d{1,3})?\s*(?:[KMGT]i?B|[KMGT]|字节|bytes?))\s*[,，)）]/iu;
/** A size standing alone (a table cell "856K"), looked for on the link's own line only. */
const SIZE_BARE = /(?:^|\s)(\d{1,6}(?:\.\d{1,3})?\s?(?:[KMGT]i?B|[KMGT]))(?=\s|$)/iu;
const SIZE_LOOSE =
  /(?:大小|size)\s*[:：]?\s*(\d{1,6}(?:\.\d{1,3})?\s*(?:[KMGT]i?B|[KMGT]|字节|bytes?))/iu;
const DATE_TIME =
  '\\d{4}\\s*[年/-]\\s*\\d{1,2}\\s*[月/-]\\s*\\d{1,2}\\s*日?(?:\\s*\\d{1,2}[:：]\\d{2}(?::\\d{2})?)?';
const EXPIRES = new RegExp(`(${DATE_TIME})\\s*(?:到期|过期|失效)`, 'u');
const EXPIRES_LABELLED = new RegExp(
  `(?:到期时间|过期时间|有效期至|有效期到|失效时间)\\s*[:：]?\\s*(${DATE_TIME})`,
  'u',
);

function firstGroup(pattern: RegExp, text: string): string | null {
  const m = pattern.exec(text);
  const value = m?.[1]?.replace(/\s+/gu, ' ').trim();
  return value ? value : null;
}

function filenameIn(text: string): string | null {
  const name = firstGroup(NAMED_FILE, text);
  if (!name) return null;
  // "进入下载页面", "下载", a leading label: the name is what follows the last such word.
  const cleaned = name
    .replace(/^.*(?:超大附件|大附件|附件名?|文件名|下载页面|下载)\s*/u, '')
    .trim();
  return cleaned && /\.[a-z0-9]+$/i.test(cleaned) && !cleaned.startsWith('.') ? cleaned : null;
}

interface Found {
  link: CloudLink;
  /** How close the file name was found: 0 the link's own line, 1 the line above, 2 below. */
  nameRank: number;
}

/** Removes every link from a piece of text (so a host name is never taken for a file name). */
function withoutUrls(text: string): string {
  return text.replace(URL_PATTERN, ' ');
}

function lineAround(text: string, start: number, end: number): [number, number] {
  const from = Math.max(0, start - LINE_REACH);
  const before = text.lastIndexOf('\n', start - 1);
  const lineStart = before >= from ? before + 1 : from;
  const to = Math.min(text.length, end + LINE_REACH);
  const after = text.indexOf('\n', end);
  const lineEnd = after >= 0 && after <= to ? after : to;
  return [lineStart, lineEnd];
}

/** Up to `count` non-empty lines of `text`, nearest to the link first. */
function nearLines(text: string, count: number, up: boolean): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return up ? lines.slice(-count).reverse() : lines.slice(0, count);
}

function scan(text: string, into: Map<string, Found>): void {
  const body = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  // Headings: positions of "超大附件" and the like, for links known only by their place.
  const headings: number[] = [];
  for (const h of body.matchAll(HEADING)) {
    headings.push(h.index);
    if (headings.length > 200) break;
  }
  const matches: Array<{ url: string; start: number; end: number; provider: CloudProvider }> = [];
  for (const m of body.matchAll(URL_PATTERN)) {
    const url = trimUrl(m[0]);
    const start = m.index;
    let provider = cloudProviderOf(url);
    if (
      !provider &&
      coremailUnderHeading(url) &&
      headings.some((h) => h < start && start - h <= HEADING_REACH)
    ) {
      provider = 'coremail';
    }
    if (provider) matches.push({ url, start, end: start + url.length, provider });
    if (matches.length >= MAX_LINKS * 2) break;
  }
  matches.forEach((m, k) => {
    const seen = into.get(m.url);
    // Nothing more to learn about a link already fully described; no room for a new one.
    if (seen && seen.nameRank === 0 && seen.link.size && seen.link.expires) return;
    if (!seen && into.size >= MAX_LINKS) return;
    const prevEnd = matches[k - 1]?.end ?? 0;
    const nextStart = matches[k + 1]?.start ?? body.length;
    const [s, e] = lineAround(body, m.start, m.end);
    // The link's own line, cut at the neighbouring cloud links (two files on one line).
    const line = withoutUrls(
      `${body.slice(Math.max(s, prevEnd), m.start)} ${body.slice(m.end, Math.min(e, nextStart))}`,
    );
    const before = withoutUrls(body.slice(Math.max(s, prevEnd), m.start));
    const above = nearLines(
      withoutUrls(body.slice(Math.max(prevEnd, s - LINE_REACH), s)),
      NEAR_LINES,
      true,
    );
    const below = nearLines(
      withoutUrls(body.slice(e, Math.min(nextStart, e + LINE_REACH))),
      NEAR_LINES,
      false,
    );
    let filename = filenameIn(before) ?? filenameIn(line);
    let nameRank = filename ? 0 : 3;
    for (const [rank, lines] of [
      [1, above],
      [2, below],
    ] as const) {
      for (const l of lines) {
        if (filename) break;
        filename = filenameIn(l);
        if (filename) nameRank = rank;
      }
    }
    const near = [line, ...above, ...below].join('\n');
    const size =
      firstGroup(SIZE, near) ?? firstGroup(SIZE_LOOSE, near) ?? firstGroup(SIZE_BARE, line);
    const expires = firstGroup(EXPIRES, near) ?? firstGroup(EXPIRES_LABELLED, near);
    const known = into.get(m.url);
    if (!known) {
      if (into.size >= MAX_LINKS) return;
      into.set(m.url, {
        link: { provider: m.provider, url: m.url.slice(0, MAX_URL), filename, size, expires },
        nameRank,
      });
      return;
    }
    if (filename && nameRank < known.nameRank) {
      known.link.filename = filename;
      known.nameRank = nameRank;
    }
    known.link.size ??= size;
    known.link.expires ??= expires;
  });
}

/**
 * The cloud-attachment links of a message, from its text body and its HTML body (each anchor's
 * href and visible text), in the order they first appear, one per link. An ordinary link (a
 * website, a signature, the webmail's own "download the app" link) is not one.
 */
export function findCloudLinks(text: string, html: string | null): CloudLink[] {
  const found = new Map<string, Found>();
  scan(text, found);
  if (html) {
    const fromHtml = new Map<string, Found>();
    scan(flattenHtml(html), fromHtml);
    for (const [url, f] of fromHtml) {
      const known = found.get(url);
      if (!known) {
        if (found.size < MAX_LINKS) found.set(url, f);
        continue;
      }
      if (f.link.filename && f.nameRank < known.nameRank) {
        known.link.filename = f.link.filename;
        known.nameRank = f.nameRank;
      }
      known.link.size ??= f.link.size;
      known.link.expires ??= f.link.expires;
    }
  }
  return [...found.values()].map((f) => f.link);
}

/**
 * A real browser for the console's tests: Debian's chromium (/usr/bin/chromium, installed by
 * scripts/ensure-services.sh with DUBAN_WITH_BROWSER=1, which scripts/test.sh sets) driven by
 * playwright-core. No browser is ever downloaded.
 *
 *   const b = useBrowser();                             // one chromium per test file, reused
 *   it('…', async () => {
 *     const { page } = await b.open('phone');           // a fresh context: 390×844, touch
 *     await page.goto(`${base}/weeks/2021-03-15`);
 *     await screenshot(page, 'week-390');               // docs/screenshots/ when DUBAN_SCREENSHOTS=1
 *   });                                                 // afterEach: fails the test if the page
 *                                                       // asked for anything outside localhost
 *
 * Every context refuses requests to hosts other than localhost (the console must load nothing
 * from outside: government intranets have no internet) and records them; useBrowser() fails the
 * test that made one. Chromium is also told that no outside name resolves, so nothing leaves the
 * machine even if a request escaped the route.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

/** Debian's chromium (the launcher script, which sources /etc/chromium.d). */
export const CHROMIUM = process.env.DUBAN_CHROMIUM ?? '/usr/bin/chromium';

/** Where README screenshots go (committed files: written only when DUBAN_SCREENSHOTS=1). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../docs/screenshots');

/** docs/screenshots, or DUBAN_SCREENSHOT_DIR (the helper's own test writes to a temp dir). */
export function screenshotDir(): string {
  return process.env.DUBAN_SCREENSHOT_DIR ?? SCREENSHOT_DIR;
}

export type Viewport = 'desktop' | 'phone';

export const VIEWPORTS: Record<Viewport, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  // A common phone: 390 CSS pixels wide, as the issue asks ("readable on a phone").
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
};

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return null;
  } catch {
    return (
      `${CHROMIUM} is not installed: DUBAN_WITH_BROWSER=1 bash scripts/ensure-services.sh ` +
      '(apt-get install chromium fonts-noto-cjk); npm test does it'
    );
  }
}

/**
 * Launches headless chromium. Playwright already passes --no-sandbox (chromiumSandbox defaults to
 * false): Chromium's sandbox cannot start as root, nor in most containers (no user namespaces);
 * the pages are our own, on localhost. --disable-dev-shm-usage: Docker's /dev/shm is 64 MB.
 */
export async function launchBrowser(): Promise<Browser> {
  const missing = browserMissing();
  if (missing) throw new Error(missing);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      '--disable-dev-shm-usage',
      // Any name but localhost fails to resolve: a second wall behind the route guard.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
    ],
  });
}

/** Whether a URL stays on this machine (the console under test). */
export function isLocalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  // Inline content never goes on the network.
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The requests a context refused, oldest first. */
export interface OutsideRequests {
  readonly urls: readonly string[];
  /** Returns the refused URLs and forgets them (a test that expects one takes it). */
  take(): string[];
}

/** Makes `context` refuse (and record) every request that would leave localhost. */
export async function guardOutsideRequests(context: BrowserContext): Promise<OutsideRequests> {
  const urls: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocalUrl(url)) return route.continue();
    urls.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    get urls() {
      return urls;
    },
    take: () => urls.splice(0, urls.length),
  };
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  outside: OutsideRequests;
}

/** A fresh, guarded context (own cookies) with one page, for a desktop or a 390 px phone. */
export async function openPage(
  browser: Browser,
  viewport: Viewport,
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    ...VIEWPORTS[viewport],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    ...options,
  });
  const outside = await guardOutsideRequests(context);
  // Fail in seconds, not the default 30: every page is served from this machine.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page, outside };
}

/**
 * Writes a full-page PNG to docs/screenshots/<name>.png when DUBAN_SCREENSHOTS=1 (normal runs do
 * not rewrite committed files); returns the path written, or null. Names: lower case and dashes,
 * e.g. week-1280, unit-390.
 */
export async function screenshot(page: Page, name: string): Promise<string | null> {
  if (process.env.DUBAN_SCREENSHOTS !== '1') return null;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name "${name}"`);
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * Whether the page's own font draws Chinese characters as glyphs: without a CJK font every
 * character is the same empty box (tofu), so two different characters draw the same pixels.
 */
export async function drawsChineseGlyphs(page: Page): Promise<boolean> {
  // A string, not a function: the tests' TypeScript has no DOM types.
  return page.evaluate<boolean>(`(() => {
    const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
    const canvas = document.createElement('canvas');
    canvas.width = 48;
    canvas.height = 48;
    const g = canvas.getContext('2d');
    const draw = (ch) => {
      g.clearRect(0, 0, 48, 48);
      g.font = '32px ' + font;
      g.fillStyle = '#000';
      g.fillText(ch, 4, 38);
      return Array.from(g.getImageData(0, 0, 48, 48).data).join(',');
    };
    const blank = draw(' ');
    const a = draw('督');
    const b = draw('办');
    return a !== blank && b !== blank && a !== b;
  })()`);
}

/**
 * Makes the first element matching `selector` visible as a person would: by clicking the summary
 * of each closed <details> around it, outermost first.
 */
export async function reveal(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 5 && !(await page.locator(selector).first().isVisible()); i++) {
    const closed = page.locator(`details:not([open]):has(${selector}) > summary`).first();
    if (!(await closed.count())) return;
    await closed.click();
  }
}

/** Whether the page fits its viewport's width (no sideways scrolling on a phone). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
  );
}

export interface BrowserFixture {
  readonly browser: Browser;
  /** A fresh guarded context and page; closed after the test. */
  open(viewport: Viewport, options?: BrowserContextOptions): Promise<OpenedPage>;
}

/**
 * One chromium for the test file (beforeAll/afterAll). Contexts opened through open() are closed
 * after each test, and a test whose pages asked for anything outside localhost fails.
 */
export function useBrowser(): BrowserFixture {
  let browser: Browser | undefined;
  let opened: OpenedPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 30_000);
  afterEach(async () => {
    const outside = opened.flatMap((o) => o.outside.urls);
    await Promise.all(opened.map((o) => o.context.close()));
    opened = [];
    if (outside.length) {
      throw new Error(`the page asked for something outside localhost:\n  ${outside.join('\n  ')}`);
    }
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser)
        throw new Error('useBrowser(): the browser is not launched yet (use it in a test)');
      return browser;
    },
    async open(viewport, options) {
      if (!browser)
        throw new Error('useBrowser(): the browser is not launched yet (use it in a test)');
      const o = await openPage(browser, viewport, options);
      opened.push(o);
      return o;
    },
  };
}

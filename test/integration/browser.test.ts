/**
 * The browser the console's tests use (test/helpers/browser.ts), proved on a small zh-CN page
 * served by fastify: Debian's chromium starts headless, draws Chinese characters with a real font
 * (not empty boxes), takes screenshots, fits a 390 px phone, and refuses and reports a request to
 * a host outside this machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  drawsChineseGlyphs,
  fitsWidth,
  isLocalUrl,
  screenshot,
  useBrowser,
} from '../helpers/browser';

const PAGE = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>本周 · 督办</title>
    <link rel="stylesheet" href="/assets/test.css" />
  </head>
  <body>
    <h1>2021年3月15日当周</h1>
    <p id="lead">区教育局已按时报送问题清单。</p>
  </body>
</html>`;

const CSS = 'body { font-family: sans-serif; margin: 1rem; } h1 { font-size: 1.4rem; }';

// Before the fastify instance's own hooks, so the browser is launched while the server starts.
const b = useBrowser();

describe('the browser for the console tests', () => {
  let app: FastifyInstance;
  let base: string;
  let cssRequests = 0;

  beforeAll(async () => {
    app = Fastify();
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
    app.get('/outside', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          PAGE.replace('</body>', '<img src="http://example.org/x.png" alt="外部图片"></body>'),
        ),
    );
    app.get('/assets/test.css', async (_req, reply) => {
      cssRequests += 1;
      return reply.type('text/css').send(CSS);
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
  });

  it('renders a zh-CN page with Chinese glyphs and its local stylesheet', async () => {
    const { page } = await b.open('desktop');
    const response = await page.goto(base);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('本周 · 督办');
    expect(await page.locator('#lead').innerText()).toBe('区教育局已按时报送问题清单。');
    expect(await drawsChineseGlyphs(page)).toBe(true);
    expect(cssRequests).toBeGreaterThan(0);
  });

  it('takes a screenshot, and writes one to the screenshot folder only when asked', async () => {
    const { page } = await b.open('phone');
    await page.goto(base);
    expect(await fitsWidth(page)).toBe(true);
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // 390 CSS pixels at device scale 2.
    expect(png.readUInt32BE(16)).toBe(780);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-shots-'));
    const saved = { ...process.env };
    try {
      process.env.DUBAN_SCREENSHOT_DIR = dir;
      delete process.env.DUBAN_SCREENSHOTS;
      expect(await screenshot(page, 'week-390')).toBeNull();
      expect(fs.readdirSync(dir)).toEqual([]);
      process.env.DUBAN_SCREENSHOTS = '1';
      expect(await screenshot(page, 'week-390')).toBe(path.join(dir, 'week-390.png'));
      expect(fs.readFileSync(path.join(dir, 'week-390.png')).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      process.env = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses and reports a request for an image outside this machine', async () => {
    const { page, outside } = await b.open('desktop');
    await page.goto(`${base}/outside`, { waitUntil: 'load' });
    // The page itself still works; the image did not load.
    expect(await page.locator('#lead').innerText()).toBe('区教育局已按时报送问题清单。');
    expect(
      await page.evaluate<boolean>(
        'document.querySelector("img").complete && document.querySelector("img").naturalWidth === 0',
      ),
    ).toBe(true);
    // Taken here, so useBrowser() does not fail this test for it.
    expect(outside.take()).toEqual(['http://example.org/x.png']);
  });

  it('tells local addresses from outside ones', () => {
    for (const url of [
      'http://127.0.0.1:8080/weeks/2021-03-15',
      'http://localhost/',
      'http://[::1]:3000/x',
      'data:image/png;base64,AAAA',
    ]) {
      expect([url, isLocalUrl(url)]).toEqual([url, true]);
    }
    for (const url of [
      'http://example.org/x.png',
      'https://fonts.googleapis.com/css?family=Noto',
      'http://127.0.0.1.example.org/',
      'http://10.0.0.1/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect([url, isLocalUrl(url)]).toEqual([url, false]);
    }
  });
});

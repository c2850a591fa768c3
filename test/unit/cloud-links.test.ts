/**
 * findCloudLinks: the large-attachment links of QQ Mail (both forms), 163, a Coremail server and
 * Tencent Exmail recognised in the text and the HTML body of mails made by Python's email
 * module (test/fixtures/cloud-links/make.py), with the file name, size and expiry they show;
 * ordinary links and signatures are not links; a hostile 100 000-char body is read quickly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMessage } from '../../src/adapters/mail/parse-message';
import { qqLargeAttachmentMail } from '../../src/dev/demo/mails';
import { findCloudLinks, flattenHtml } from '../../src/domain/intake/cloud-links';

const DIR = path.join(__dirname, '..', 'fixtures', 'cloud-links');
const read = (name: string) => parseMessage(fs.readFileSync(path.join(DIR, name)));

describe('cloud-attachment links in a mail', () => {
  it.each([
    [
      'qq-ftn.eml',
      'qq',
      'mail.qq.com/cgi-bin/ftnExs_download',
      '教育局问题清单（3月15日）.xlsx',
      '1.26M',
      '2021年3月30日 10:00',
    ],
    [
      'qq-wx.eml',
      'qq',
      'wx.mail.qq.com/ftn/download',
      '2021年第11周 问题清单.xlsx',
      '856K',
      '2021年3月29日 18:30',
    ],
    [
      'netease-163.eml',
      'netease',
      'mail.163.com/large-attachment-download',
      '交通局问题清单.xls',
      '2.1M',
      '2021年3月30日 0:49',
    ],
    [
      'coremail-gov.eml',
      'coremail',
      '/coremail/common/largeattachment/',
      '卫健委问题清单.xlsx',
      '3.2MB',
      '2021-03-29 23:59',
    ],
    [
      'exmail.eml',
      'exmail',
      'exmail.qq.com/cgi-bin/ftnExs_download',
      '新城问题清单.xlsx',
      '1.1M',
      '2021年4月14日 09:15',
    ],
  ])(
    '%s: one %s link with its file name, size and expiry, from the text and from the HTML alone',
    async (file, provider, inUrl, filename, size, expires) => {
      const msg = await read(file);
      expect(msg.html).not.toBeNull();
      const expected = { provider, filename, size, expires, url: expect.stringContaining(inUrl) };
      expect(findCloudLinks(msg.text, msg.html)).toEqual([expected]);
      expect(findCloudLinks(msg.text, null)).toEqual([expected]);
      const fromHtml = findCloudLinks('', msg.html);
      expect(fromHtml).toEqual([expected]);
      // The href's &amp; is decoded: the same link as in the text.
      expect(fromHtml[0]?.url).not.toContain('&amp;');
    },
  );

  it('finds the link of the demo’s QQ large-attachment mail (nodemailer-built)', async () => {
    const raw = await qqLargeAttachmentMail({
      from: '区教育局 <jiaoyu@example.cn>',
      date: new Date('2021-03-15T02:00:00Z'),
      messageId: '<demo-link@example.cn>',
      filename: '区教育局问题清单.xlsx',
    });
    const msg = await parseMessage(raw);
    expect(findCloudLinks(msg.text, msg.html)).toEqual([
      expect.objectContaining({ provider: 'qq', filename: '区教育局问题清单.xlsx', size: '1.2M' }),
    ]);
  });

  it('finds nothing in ordinary links: a website, a template download, webmail home pages, a signature', async () => {
    const msg = await read('ordinary-links.eml');
    expect(findCloudLinks(msg.text, msg.html)).toEqual([]);
  });

  it('does not take the webmail client download link (u.163.com) for the attachment', async () => {
    const msg = await read('netease-163.eml');
    const links = findCloudLinks(msg.text, msg.html);
    expect(links.map((l) => l.url).join(' ')).not.toContain('u.163.com');
  });

  it('keeps two files of one mail apart, each with its own name', () => {
    const text =
      '从QQ邮箱发来的超大附件\n\n' +
      'a.xlsx (1M, 2021年3月30日 10:00 到期)进入下载页面：https://mail.qq.com/cgi-bin/ftnExs_download?k=aa&code=1\n\n' +
      'b.zip (3M, 2021年3月31日 10:00 到期)进入下载页面：https://mail.qq.com/cgi-bin/ftnExs_download?k=bb&code=2\n';
    expect(findCloudLinks(text, null).map((l) => [l.filename, l.size])).toEqual([
      ['a.xlsx', '1M'],
      ['b.zip', '3M'],
    ]);
  });

  it('counts a plain download link only under a 超大附件 heading', () => {
    const link = 'https://mail.example.gov.cn/attachment?fid=1';
    expect(findCloudLinks(`见 ${link}`, null)).toEqual([]);
    expect(findCloudLinks(`超大附件\n清单.xlsx\n${link}`, null)).toEqual([
      { provider: 'coremail', url: link, filename: '清单.xlsx', size: null, expires: null },
    ]);
  });

  it('refuses what only looks like a provider: other paths of qq.com and 163.com, other schemes', () => {
    const text = [
      'https://mail.qq.com/cgi-bin/frame_html?sid=1',
      'https://qq.com/ftn/download?x=1',
      'https://mail.163.com/js6/main.jsp',
      'ftp://mail.qq.com/cgi-bin/ftnExs_download?k=1',
      'https://example.com/ftnExs_download?k=1',
    ].join('\n');
    expect(
      findCloudLinks(text, `<a href="javascript:alert(1)">large-attachment-download</a>`),
    ).toEqual([]);
  });

  it('shows anchors as their text followed by their link, without scripts or styles', () => {
    expect(
      flattenHtml(
        '<style>a{}</style><div><a href="https://a.example.org/?x=1&amp;y=2">名</a></div><script>x</script>',
      ),
    ).toBe('\n名 https://a.example.org/?x=1&y=2 \n');
  });

  it('reads a hostile 100 000-character body in bounded time', () => {
    const link = 'https://mail.qq.com/cgi-bin/ftnExs_download?k=1';
    const hostile = [
      '<a href="'.repeat(10_000),
      `${'a'.repeat(99_990)}.xlsx`,
      `${'<a '.repeat(33_000)}`,
      `超大附件${' x'.repeat(50_000)}`,
      `${link} `.repeat(2_000),
    ];
    const started = process.hrtime.bigint();
    for (const body of hostile) {
      findCloudLinks(body.slice(0, 100_000), body.slice(0, 100_000));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Generous: a quadratic scan takes minutes here.
    expect(ms).toBeLessThan(5_000);
  });
});

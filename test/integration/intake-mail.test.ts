/**
 * Issue 8's mail intake on SQLite through the CLI: forwarding rules, a unit's unusable messages
 * on record, a known unit told its unreadable mail could not be read, quarantine showing what a
 * stranger sent, and a release answering under its own key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditEntries, openDatabase, StorageWeekReads } from '../../src/adapters/storage';
import { capture, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';

const FORWARDING = path.join(__dirname, '..', 'fixtures', 'eml-forwarding');
const NESTED = path.join(__dirname, '..', 'fixtures', 'eml', '11_nested-multipart-depth1000.eml');
const NOW = '2021-03-15T10:05:00+08:00';
const ARCHIVES = path.join(__dirname, '..', 'fixtures', 'archives');

describe('the mail intake of issue 8 (SQLite)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-intake-mail-'));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'duban.sqlite')}`,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
    LOG_LEVEL: 'silent',
  };
  const duban = (args: string[]) => run(args, capture(env, dir));
  const ingest = async (file: string) => {
    const r = await duban(['ingest', file, '--json', '--now', NOW]);
    expect(r.code).toBe(0);
    return JSON.parse(r.io.stdout);
  };
  /** The outbox's mails (file name → text), as the file transport wrote them. */
  const outbox = (): string[] =>
    fs.existsSync(env.OUTBOX_DIR)
      ? fs
          .readdirSync(env.OUTBOX_DIR)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => fs.readFileSync(path.join(env.OUTBOX_DIR, f), 'utf8'))
      : [];
  /** A variant of the 1000-level nested fixture with other top-level headers. */
  const nested = (name: string, headers: string): string => {
    const raw = fs.readFileSync(NESTED);
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from(headers), raw.subarray(raw.indexOf('\n') + 1)]),
    );
    return file;
  };

  it('takes a sheet forwarded by rule as the unit’s, with its size in attachments', async () => {
    const o = await ingest(path.join(FORWARDING, 'coremail-auto-forward.eml'));
    expect(o).toMatchObject({ outcome: 'accepted', unit: 'jiaoyu', week: '2021-03-15' });
    expect(o.attachments[0]).toMatchObject({ filename: '问题清单（教育局）.xlsx', used: true });
    expect(o.attachments[0].size).toBeGreaterThan(5000);
    expect(o.replies).toEqual([
      expect.objectContaining({ kind: 'receipt', to: ['jiaoyu@example.cn'] }),
    ]);
    const redirected = await ingest(path.join(FORWARDING, 'postfix-sieve-redirect.eml'));
    // The From is a staff member's own address; Resent-From names the unit's mailbox.
    expect(redirected).toMatchObject({ outcome: 'accepted', unit: 'jiaoyu' });
  });

  it('records a forward without a sheet with its unit, answers nothing, and lists it', async () => {
    const before = outbox().length;
    const o = await ingest(path.join(FORWARDING, 'coremail-auto-forward-no-sheet.eml'));
    expect(o).toMatchObject({
      outcome: 'ignored',
      reason: 'FORWARDED_WITHOUT_SHEET',
      unit: 'jiaoyu',
      week: '2021-03-15',
      replies: [],
    });
    expect(outbox()).toHaveLength(before);
  });

  it('tells a known unit its mail was too complex to read; strangers and automatic mail get nothing', async () => {
    const before = outbox().length;
    const unit = await ingest(
      nested(
        'unit-nested.eml',
        'From: 区卫健委 <weijian@example.cn>\nSubject: =?UTF-8?B?6Zeu6aKY5riF5Y2V?=\nMessage-ID: <nested-1@example.cn>\n',
      ),
    );
    expect(unit).toMatchObject({
      outcome: 'rejected',
      reason: 'MESSAGE_TOO_COMPLEX',
      unit: 'weijian',
      replies: [{ kind: 'unreadable', to: ['weijian@example.cn'], subject: '回复：问题清单' }],
    });
    const mails = outbox();
    expect(mails).toHaveLength(before + 1);
    const body = Buffer.from(
      (mails.find((m) => m.includes('weijian@example.cn')) ?? '').replace(/\r/g, ''),
    ).toString();
    expect(body).toContain('In-Reply-To: <nested-1@example.cn>');
    const stranger = await ingest(nested('stranger-nested.eml', 'From: outer@example.test\n'));
    expect(stranger).toMatchObject({ outcome: 'rejected', unit: null, replies: [] });
    const automatic = await ingest(
      nested(
        'auto-nested.eml',
        'From: weijian@example.cn\nAuto-Submitted: auto-replied\nSubject: x\n',
      ),
    );
    expect(automatic).toMatchObject({ outcome: 'rejected', unit: 'weijian', replies: [] });
    expect(outbox()).toHaveLength(before + 1);
  });

  it('reads back every unusable message of a unit for the week (WeekReads.unusableMessagesOf)', async () => {
    const db = await openDatabase(env.DATABASE_URL);
    try {
      const facts = await new StorageWeekReads(db).unusableMessagesOf('2021-03-15');
      expect(facts.map((f) => [f.unitId, f.outcome, f.reason, f.countsAsReceived])).toEqual([
        ['jiaoyu', 'ignored', 'FORWARDED_WITHOUT_SHEET', true],
        ['weijian', 'rejected', 'MESSAGE_TOO_COMPLEX', true],
        ['weijian', 'rejected', 'MESSAGE_TOO_COMPLEX', true],
      ]);
    } finally {
      await db.close();
    }
  });

  it('quarantines a stranger’s forward without answering it', async () => {
    const o = await ingest(path.join(FORWARDING, 'stranger-gmail-forward.eml'));
    expect(o).toMatchObject({ outcome: 'quarantined', reason: 'UNKNOWN_SENDER', replies: [] });
  });

  it('lists the files inside a stranger’s archive', async () => {
    const file = path.join(dir, 'stranger-zip.eml');
    fs.writeFileSync(
      file,
      await buildEml({
        from: 'clerk@example.org',
        date: new Date('2021-03-15T02:30:00Z'),
        text: '附件为本单位问题清单压缩包。\n\n> 引用的旧邮件\n请查收',
        attachments: [
          {
            filename: '材料.zip',
            content: fs.readFileSync(path.join(ARCHIVES, 'gbk-windows-sheet.zip')),
            contentType: 'application/zip',
          },
        ],
      }),
    );
    expect(await ingest(file)).toMatchObject({ outcome: 'quarantined' });
    const list = await duban(['quarantine', 'list', '--json']);
    const item = (JSON.parse(list.io.stdout) as Array<Record<string, unknown>>).find(
      (m) => m.from === 'clerk@example.org',
    );
    expect(item).toMatchObject({
      attachments: [{ filename: '材料.zip', size: 8399, inner: ['问题清单（区教育局）.xlsx'] }],
      firstLines: '附件为本单位问题清单压缩包。 / 请查收',
    });
  });

  it('lists what a stranger sent and answers its release under the release’s own key', async () => {
    const file = path.join(dir, 'stranger.eml');
    const sheet = fs.readFileSync(path.join(FORWARDING, 'coremail-auto-forward.eml'), 'utf8');
    // The Coremail fixture as a person's mail from an unregistered address.
    fs.writeFileSync(
      file,
      sheet
        .replace(/^Auto-Submitted: .*\n/m, '')
        .replace('<jiaoyu@example.cn>', '<secretary@example.org>')
        .replace('<cm-0003@example.cn>', '<s-1@example.org>'),
    );
    const held = await ingest(file);
    expect(held).toMatchObject({ outcome: 'quarantined', replies: [{ kind: 'unknown_sender' }] });

    const list = await duban(['quarantine', 'list', '--json']);
    const item = (JSON.parse(list.io.stdout) as Array<Record<string, unknown>>).find(
      (m) => m.from === 'secretary@example.org',
    );
    expect(item).toMatchObject({
      attachments: [
        {
          filename: '问题清单（教育局）.xlsx',
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          size: expect.any(Number),
        },
      ],
      firstLines: '请查收本周问题清单。',
    });
    const text = await duban(['quarantine', 'list']);
    expect(text.io.stdout).toContain('attachment 问题清单（教育局）.xlsx');
    expect(text.io.stdout).toContain('text: 请查收本周问题清单。');

    const before = outbox().length;
    const id = String(item?.id);
    const released = await duban([
      'quarantine',
      'release',
      id,
      '--unit',
      'jiaoyu',
      '--by',
      'office-clerk',
      '--json',
    ]);
    expect(released.code).toBe(0);
    const o = JSON.parse(released.io.stdout);
    expect(o).toMatchObject({
      outcome: 'accepted',
      unit: 'jiaoyu',
      replies: [{ kind: 'receipt', to: ['secretary@example.org'] }],
      release: {
        sequence: 1,
        by: 'office-clerk',
        key: `release:${id}:1`,
        queued: true,
        status: 'sent',
      },
    });
    // The receipt really went out, besides the earlier "address not registered" answer.
    expect(outbox()).toHaveLength(before + 1);
    expect(outbox().filter((m) => m.includes('secretary@example.org'))).toHaveLength(2);

    const db = await openDatabase(env.DATABASE_URL);
    try {
      const entries = await auditEntries(db, {
        event: 'message.released',
        rawMessageId: Number(id),
      });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actor: 'office-clerk', unit_id: 'jiaoyu' });
      expect(JSON.parse(entries[0]?.details_json ?? '{}')).toMatchObject({
        by: 'office-clerk',
        key: `release:${id}:1`,
        queued: true,
      });
    } finally {
      await db.close();
    }
  });
});

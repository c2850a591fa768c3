import {
  attachmentsOf,
  auditEntries,
  claimMail,
  currentSubmission,
  currentSubmissionsForWeek,
  getMail,
  getMailboxState,
  getRawMessage,
  markMailFailed,
  markMailSent,
  migrateToLatest,
  migrationStatus,
  migrationsFor,
  recordAttachment,
  recordMailboxError,
  recordSubmission,
  saveMailboxState,
  setRawMessageOutcome,
  sha256Hex,
  storeRawMessage,
  submissionContent,
  submissionVersions,
  unprocessedMessages,
  type Db,
  type NewSubmission,
} from '../../src/adapters/storage';
import { TEST_DIALECTS, createTestDatabase, useTestDatabase } from '../helpers/db';

const T0 = new Date('2021-03-15T01:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

/** Every byte value, so that no encoding layer can hide a mangled byte. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let counter = 0;
/** A distinct RFC 5322 message per call (so distinct sha256s). */
function rawMail(subject = '问题清单'): Buffer {
  counter += 1;
  return Buffer.from(
    `From: lead-unit@example.cn\r\nTo: office@example.cn\r\nSubject: ${subject}\r\n` +
      `Message-ID: <m${counter}.${Date.now()}@example.cn>\r\n\r\n第${counter}封\r\n`,
    'utf8',
  );
}

describe.each(TEST_DIALECTS)('storage on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  async function storeImap(db: Db, uid: number, raw = rawMail()) {
    return storeRawMessage(db, {
      raw,
      source: 'imap',
      messageId: '<same@example.cn>',
      account: 'office@imap.example.cn',
      mailbox: 'INBOX',
      uidvalidity: '1615770000',
      uid,
      internalDate: T0,
      receivedAt: T0,
    });
  }

  function submission(unitId: string, rawMessageId: number, over: Partial<NewSubmission> = {}) {
    const base: NewSubmission = {
      unitId,
      reportingWeek: '2021-03-15',
      rawMessageId,
      arrivedAt: T0,
      deadlineAt: '2021-03-15T09:30:00.000Z',
      status: 'accepted',
      late: false,
      issues: [],
      projects: [
        {
          nameAsWritten: '锦川实验小学项目',
          projectId: 'p1',
          leadUnits: ['教育局'],
          problems: { approval: '无', land: '征迁扫尾未完成' },
          responsibleDepartments: ['自然资源局', '住建局'],
          progress: '已召开协调会',
          nextSteps: '加快招投标',
          cell: 'B5',
          targets: [
            { text: '完成项目工程量清算', due: '2021-02-25', dueText: '2月25日', cell: 'D5' },
            { text: '完成重新招投标', due: null, dueText: '月底', cell: 'D6' },
          ],
        },
      ],
      now: T0,
      ...over,
    };
    return base;
  }

  describe('migrations', () => {
    it('applies every migration to an empty database and nothing on a second run', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const db = await fresh.open();
        const all = Object.keys(migrationsFor(dialect)).sort();
        expect(all).toEqual(
          expect.arrayContaining([
            '0001_initial',
            '0002_intake',
            '0003_one_outgoing_mail_table',
            '0004_one_submission_per_message',
          ]),
        );
        const first = await migrateToLatest(db);
        expect(first.applied).toEqual(all);
        const second = await migrateToLatest(db);
        expect(second.applied).toEqual([]);
        const status = await migrationStatus(db);
        expect(status.map((m) => m.name)).toEqual(all);
        expect(status.every((m) => typeof m.appliedAt === 'string')).toBe(true);
      } finally {
        await fresh.drop();
      }
    });
  });

  describe('raw messages', () => {
    it('stores the same bytes once, whatever UID they arrive under', async () => {
      const raw = rawMail();
      const first = await storeImap(t.db, 101, raw);
      const again = await storeImap(t.db, 102, raw);
      expect(first).toMatchObject({ isNew: true, decision: 'new', duplicateBy: null });
      expect(again).toMatchObject({
        id: first.id,
        isNew: false,
        decision: 'duplicate',
        duplicateBy: 'sha256',
      });
      const rows = await t.db.kysely
        .selectFrom('raw_messages')
        .select('id')
        .where('sha256', '=', sha256Hex(raw))
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('stores one message per mailbox, UIDVALIDITY and UID even when the bytes differ', async () => {
      const first = await storeImap(t.db, 201);
      const again = await storeImap(t.db, 201);
      expect(again).toMatchObject({
        id: first.id,
        isNew: false,
        decision: 'redelivered',
        duplicateBy: 'location',
      });
    });

    it('treats the same UID under a new UIDVALIDITY as a different message', async () => {
      const a = await storeImap(t.db, 301);
      const b = await storeRawMessage(t.db, {
        raw: rawMail(),
        source: 'imap',
        account: 'office@imap.example.cn',
        mailbox: 'INBOX',
        uidvalidity: 4294967295n,
        uid: 301,
      });
      expect(b.isNew).toBe(true);
      expect(b.id).not.toBe(a.id);
      expect((await getRawMessage(t.db, b.id))?.uidvalidity).toBe('4294967295');
    });

    it('keeps messages without Message-ID or location apart (files)', async () => {
      const a = await storeRawMessage(t.db, { raw: rawMail(), source: 'file', fileName: 'a.eml' });
      const b = await storeRawMessage(t.db, { raw: rawMail(), source: 'file', fileName: 'b.eml' });
      expect(a.isNew && b.isNew).toBe(true);
    });

    it('stores exactly one row when two pollers store the same message at once', async () => {
      const other = await t.open();
      const raw = rawMail();
      const results = await Promise.all([storeImap(t.db, 401, raw), storeImap(other, 401, raw)]);
      expect(results.filter((r) => r.isNew)).toHaveLength(1);
      expect(results[0]?.id).toBe(results[1]?.id);
    });

    it('refuses an IMAP message without its full location', async () => {
      await expect(
        storeRawMessage(t.db, { raw: rawMail(), source: 'imap', mailbox: 'INBOX', uid: 1 }),
      ).rejects.toThrow();
    });

    it('says in one call that a message seen again at its own place is redelivered, elsewhere a duplicate', async () => {
      const raw = rawMail();
      const first = await storeImap(t.db, 451, raw);
      const samePlace = await storeImap(t.db, 451, raw);
      const elsewhere = await storeImap(t.db, 452, raw);
      const asFile = await storeRawMessage(t.db, { raw, source: 'file', fileName: 'x.eml' });
      expect(samePlace).toEqual({
        id: first.id,
        decision: 'redelivered',
        isNew: false,
        duplicateBy: 'sha256',
        truncated: false,
        history: false,
      });
      expect(elsewhere).toMatchObject({ id: first.id, decision: 'duplicate' });
      expect(asFile).toMatchObject({ id: first.id, decision: 'duplicate', duplicateBy: 'sha256' });
    });

    it('stores a message over the size limit as truncated with its declared size, in the insert', async () => {
      const headers = Buffer.from(
        'From: lead-unit@example.cn\r\nSubject: 大附件 #too-large\r\n\r\n',
      );
      const stored = await storeRawMessage(t.db, {
        raw: headers,
        source: 'imap',
        account: 'office@imap.example.cn',
        mailbox: 'INBOX',
        uidvalidity: '1615770000',
        uid: 461,
        truncatedFrom: 30_000_000,
        receivedAt: T0,
      });
      expect(stored).toMatchObject({ decision: 'new', truncated: true, history: false });
      expect(await getRawMessage(t.db, stored.id)).toMatchObject({
        truncated: 1,
        declared_size: 30_000_000,
        size: headers.length,
        outcome: null,
      });
      const again = await storeRawMessage(t.db, {
        raw: headers,
        source: 'imap',
        account: 'office@imap.example.cn',
        mailbox: 'INBOX',
        uidvalidity: '1615770000',
        uid: 461,
        truncatedFrom: 30_000_000,
      });
      expect(again).toMatchObject({ id: stored.id, decision: 'redelivered', truncated: true });
    });

    it('stores a message of the first scan of an old mailbox as history: processed, never answered', async () => {
      const stored = await storeRawMessage(t.db, {
        raw: rawMail('去年的问题清单'),
        source: 'imap',
        account: 'office@imap.example.cn',
        mailbox: 'INBOX',
        uidvalidity: '1615770000',
        uid: 471,
        internalDate: '2020-12-01T00:00:00.000Z',
        history: true,
        receivedAt: T0,
      });
      expect(stored).toMatchObject({ decision: 'new', truncated: false, history: true });
      expect(await getRawMessage(t.db, stored.id)).toMatchObject({
        outcome: 'ignored',
        outcome_reason: 'HISTORY',
        processed_at: '2021-03-15T01:00:00.000Z',
        truncated: 0,
      });
      expect((await unprocessedMessages(t.db, minutes(60))).map((m) => m.id)).not.toContain(
        stored.id,
      );
    });

    it('round-trips every byte value and Chinese text, with the same JS types on both dialects', async () => {
      const stored = await storeRawMessage(t.db, {
        raw: ALL_BYTES,
        source: 'imap',
        account: 'office@imap.example.cn',
        mailbox: '收件箱',
        uidvalidity: 7,
        uid: 4294967295,
        internalDate: '2021-03-15T09:29:59+08:00',
        receivedAt: T0,
      });
      await setRawMessageOutcome(t.db, stored.id, {
        outcome: 'submission',
        fromAddress: 'lead-unit@example.cn',
        subject: '泉港坝头溪流域综合整治项目问题清单 𠮷',
        now: minutes(1),
      });
      const row = await getRawMessage(t.db, stored.id);
      expect(Buffer.isBuffer(row?.raw)).toBe(true);
      expect(row?.raw.equals(ALL_BYTES)).toBe(true);
      expect(row).toMatchObject({
        id: stored.id,
        sha256: sha256Hex(ALL_BYTES),
        size: 256,
        mailbox: '收件箱',
        uidvalidity: '7',
        uid: 4294967295,
        internal_date: '2021-03-15T01:29:59.000Z',
        received_at: '2021-03-15T01:00:00.000Z',
        subject: '泉港坝头溪流域综合整治项目问题清单 𠮷',
        outcome: 'submission',
        processed_at: '2021-03-15T01:01:00.000Z',
      });
      expect(typeof row?.id).toBe('number');
      expect(typeof row?.size).toBe('number');

      const attachmentId = await recordAttachment(t.db, {
        rawMessageId: stored.id,
        ordinal: 0,
        filename: '第一批“难硬重新”问题清单（教育局）.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        content: new Uint8Array(ALL_BYTES),
        used: true,
      });
      const [attachment] = await attachmentsOf(t.db, stored.id);
      expect(attachment).toMatchObject({
        id: attachmentId,
        filename: '第一批“难硬重新”问题清单（教育局）.xlsx',
        size: 256,
        sha256: sha256Hex(ALL_BYTES),
        used: 1,
      });
      expect(attachment?.bytes?.equals(ALL_BYTES)).toBe(true);
    });
  });

  describe('attachments', () => {
    it('records an attachment once per message and position, updating it on a replay', async () => {
      const { id: rawMessageId } = await storeImap(t.db, 501);
      const common = {
        rawMessageId,
        ordinal: 1,
        contentType: 'image/png',
        content: Buffer.from('png'),
      };
      const first = await recordAttachment(t.db, {
        ...common,
        filename: 'Ã¦Â\u009c.png',
        used: false,
        keepBytes: false,
        note: 'not a spreadsheet',
      });
      const second = await recordAttachment(t.db, {
        ...common,
        filename: '签名.png',
        used: false,
        keepBytes: false,
        note: 'not a spreadsheet',
      });
      expect(second).toBe(first);
      const rows = await attachmentsOf(t.db, rawMessageId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ filename: '签名.png', bytes: null, used: 0, size: 3 });
    });
  });

  describe('submissions', () => {
    it('makes a later version current, keeps the earlier one and writes the audit log', async () => {
      const m1 = await storeImap(t.db, 601);
      const m2 = await storeImap(t.db, 602);
      const first = await recordSubmission(t.db, submission('jiaoyu', m1.id));
      const second = await recordSubmission(
        t.db,
        submission('jiaoyu', m2.id, {
          late: true,
          status: 'accepted_with_warnings',
          now: minutes(60),
        }),
      );
      expect(first.supersededId).toBeNull();
      expect(second.supersededId).toBe(first.id);

      const current = await currentSubmission(t.db, 'jiaoyu', '2021-03-15');
      expect(current).toMatchObject({
        id: second.id,
        supersedes_id: first.id,
        is_current: 1,
        late: 1,
        status: 'accepted_with_warnings',
        arrived_at: '2021-03-15T01:00:00.000Z',
        deadline_at: '2021-03-15T09:30:00.000Z',
      });
      const versions = await submissionVersions(t.db, 'jiaoyu', '2021-03-15');
      expect(versions.map((v) => [v.id, v.is_current])).toEqual([
        [second.id, 1],
        [first.id, 0],
      ]);

      const superseded = await auditEntries(t.db, {
        event: 'submission.superseded',
        unitId: 'jiaoyu',
      });
      expect(superseded).toHaveLength(1);
      expect(superseded[0]).toMatchObject({
        submission_id: first.id,
        reporting_week: '2021-03-15',
        actor: 'system',
        at: '2021-03-15T02:00:00.000Z',
      });
      expect(JSON.parse(superseded[0]?.details_json ?? 'null')).toEqual({
        supersededBy: second.id,
      });
      expect(
        await auditEntries(t.db, { event: 'submission.recorded', unitId: 'jiaoyu' }),
      ).toHaveLength(2);
    });

    it('records a version without making it current when asked', async () => {
      const m1 = await storeImap(t.db, 701);
      const m2 = await storeImap(t.db, 702);
      const good = await recordSubmission(t.db, submission('weijian', m1.id));
      const rejected = await recordSubmission(
        t.db,
        submission('weijian', m2.id, { status: 'rejected', makeCurrent: false, projects: [] }),
      );
      expect(rejected.supersededId).toBeNull();
      expect((await currentSubmission(t.db, 'weijian', '2021-03-15'))?.id).toBe(good.id);
    });

    it('stores the projects and targets of a version in sheet order', async () => {
      const m = await storeImap(t.db, 801);
      const { id } = await recordSubmission(
        t.db,
        submission('nongshui', m.id, { issues: [{ code: 'DUE_DATE_UNREADABLE', cell: 'E6' }] }),
      );
      const [project] = await submissionContent(t.db, id);
      expect(project).toMatchObject({
        ordinal: 0,
        name_as_written: '锦川实验小学项目',
        project_id: 'p1',
        problems_approval: '无',
        problems_funding: null,
        problems_land: '征迁扫尾未完成',
        progress: '已召开协调会',
        cell: 'B5',
      });
      expect(JSON.parse(project?.responsible_departments_json ?? '')).toEqual([
        '自然资源局',
        '住建局',
      ]);
      expect(project?.targets.map((x) => [x.ordinal, x.text, x.due, x.due_text])).toEqual([
        [0, '完成项目工程量清算', '2021-02-25', '2月25日'],
        [1, '完成重新招投标', null, '月底'],
      ]);
      const current = await currentSubmission(t.db, 'nongshui', '2021-03-15');
      expect(JSON.parse(current?.issues_json ?? '')).toEqual([
        { code: 'DUE_DATE_UNREADABLE', cell: 'E6' },
      ]);
    });

    it('keeps exactly one current version when two versions are recorded at the same moment', async () => {
      // SQLite: one connection per process (better-sqlite3 blocks the thread while it waits for
      // another connection's lock), so the race is between transactions on one connection.
      const other = dialect === 'postgres' ? await t.open() : t.db;
      const m1 = await storeImap(t.db, 901);
      const m2 = await storeImap(t.db, 902);
      const results = await Promise.all([
        recordSubmission(t.db, submission('jiaotong', m1.id)),
        recordSubmission(other, submission('jiaotong', m2.id)),
      ]);
      const versions = await submissionVersions(t.db, 'jiaotong', '2021-03-15');
      expect(versions.filter((v) => v.is_current === 1)).toHaveLength(1);
      // Same arrival time: the later message (higher id) is the latest arrival, whichever
      // transaction committed first.
      const [first, second] = results;
      expect(versions.map((v) => [v.id, v.is_current, v.supersedes_id])).toEqual([
        [second?.id, 1, first?.id],
        [first?.id, 0, null],
      ]);
      const week = await currentSubmissionsForWeek(t.db, '2021-03-15');
      expect(week.filter((s) => s.unit_id === 'jiaotong').map((s) => s.id)).toEqual([second?.id]);
    });
  });

  describe('outgoing mail claims', () => {
    const claim = (db: Db, key: string, claimedBy: string, now = T0, stale?: number) =>
      claimMail(db, {
        key,
        kind: 'receipt',
        recipients: { to: [{ name: '教育局', address: 'lead-unit@example.cn' }] },
        subject: '回执：问题清单已收到',
        claimedBy,
        now,
        reclaimStaleAfterMs: stale,
        unitId: 'jiaoyu',
        reportingWeek: '2021-03-15',
      });

    it('lets exactly one of two racing workers claim a mail', async () => {
      const other = await t.open();
      for (let i = 0; i < 10; i += 1) {
        const key = `receipt:race-${i}`;
        const results = await Promise.all([claim(t.db, key, 'w1'), claim(other, key, 'w2')]);
        expect(results.filter((r) => r.won)).toHaveLength(1);
        const row = await getMail(t.db, key);
        expect(row).toMatchObject({ status: 'claimed', attempts: 1 });
      }
    });

    it('lets a failed mail be claimed again, by one worker only', async () => {
      const other = await t.open();
      const first = await claim(t.db, 'receipt:failed', 'w1');
      expect(first.won).toBe(true);
      expect(
        await markMailFailed(t.db, first.mail.id, {
          claimedBy: 'w1',
          error: '550 mailbox unavailable',
          retryable: false,
          now: minutes(1),
        }),
      ).toBe(true);
      expect(await getMail(t.db, 'receipt:failed')).toMatchObject({
        status: 'failed',
        error: '550 mailbox unavailable',
      });
      const retries = await Promise.all([
        claim(t.db, 'receipt:failed', 'w2', minutes(2)),
        claim(other, 'receipt:failed', 'w3', minutes(2)),
      ]);
      expect(retries.filter((r) => r.won)).toHaveLength(1);
      expect(await getMail(t.db, 'receipt:failed')).toMatchObject({
        status: 'claimed',
        attempts: 2,
        claimed_at: '2021-03-15T01:02:00.000Z',
      });
    });

    it('never claims a sent mail again and reports a second "sent" as a duplicate', async () => {
      const { mail } = await claim(t.db, 'receipt:sent', 'w1');
      const eml = Buffer.concat([Buffer.from('Subject: 回执\r\n\r\n'), ALL_BYTES]);
      expect(
        await markMailSent(t.db, mail.id, { smtpResponse: '250 OK', eml, now: minutes(1) }),
      ).toBe(true);
      const again = await claim(t.db, 'receipt:sent', 'w2', minutes(600), 60_000);
      expect(again.won).toBe(false);
      expect(again.mail).toMatchObject({ status: 'sent', sent_at: '2021-03-15T01:01:00.000Z' });
      expect(again.mail.eml?.equals(eml)).toBe(true);
      expect(await markMailSent(t.db, mail.id)).toBe(false);
    });

    it('takes over a claim only once it is stale, and then ignores the old claimant', async () => {
      const first = await claim(t.db, 'digest:2021-03-15:v1', 'w1', T0, 10 * 60_000);
      expect((await claim(t.db, 'digest:2021-03-15:v1', 'w2', minutes(5), 10 * 60_000)).won).toBe(
        false,
      );
      expect((await claim(t.db, 'digest:2021-03-15:v1', 'w2', minutes(60))).won).toBe(false);
      const takeover = await claim(t.db, 'digest:2021-03-15:v1', 'w2', minutes(11), 10 * 60_000);
      expect(takeover.won).toBe(true);
      expect(takeover.mail).toMatchObject({ claimed_by: 'w2', attempts: 2 });
      expect(
        await markMailFailed(t.db, first.mail.id, {
          claimedBy: 'w1',
          error: 'timeout',
          retryable: true,
        }),
      ).toBe(false);
      expect((await getMail(t.db, 'digest:2021-03-15:v1'))?.status).toBe('claimed');
    });
  });

  describe('mailbox state', () => {
    it('saves the position and never moves it backwards within one UIDVALIDITY', async () => {
      const key = { account: 'office@imap.example.cn', mailbox: 'INBOX' };
      expect(await getMailboxState(t.db, key.account, key.mailbox)).toBeUndefined();
      expect(
        await saveMailboxState(t.db, { ...key, uidvalidity: 4294967295, lastUid: 40, now: T0 }),
      ).toBe(true);
      expect(await saveMailboxState(t.db, { ...key, uidvalidity: '4294967295', lastUid: 30 })).toBe(
        false,
      );
      expect(await getMailboxState(t.db, key.account, key.mailbox)).toMatchObject({
        uidvalidity: '4294967295',
        last_uid: 40,
        last_success_at: '2021-03-15T01:00:00.000Z',
      });
      await recordMailboxError(t.db, { ...key, error: 'ECONNRESET', now: minutes(5) });
      expect(
        await saveMailboxState(t.db, { ...key, uidvalidity: '12', lastUid: 3, now: minutes(9) }),
      ).toBe(true);
      expect(await getMailboxState(t.db, key.account, key.mailbox)).toMatchObject({
        uidvalidity: '12',
        last_uid: 3,
        last_error: 'ECONNRESET',
        last_error_at: '2021-03-15T01:05:00.000Z',
        last_success_at: '2021-03-15T01:09:00.000Z',
      });
    });
  });
});

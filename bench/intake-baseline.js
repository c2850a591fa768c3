// Child process of bench/intake-bench.js: the bare sequential baseline. One message after the
// other, the way the watcher reads them (an imapflow UID FETCH of the message source), then
// mailparser's simpleParser and a bare exceljs `xlsx.load` of every .xlsx attachment. Nothing is
// stored, nothing answered. Prints one JSON line: {ms, cpuMs, messages, sheets, maxRssMb}.
//   node bench/intake-baseline.js <host> <port> <user> <password> <mailbox> <firstUid> <lastUid>
'use strict';
const { performance } = require('node:perf_hooks');
const { ImapFlow } = require('imapflow');
const { simpleParser } = require('mailparser');
const ExcelJS = require('exceljs');

async function main([host, port, user, pass, mailbox, firstUid, lastUid]) {
  const client = new ImapFlow({
    host,
    port: Number(port),
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  let messages = 0;
  let sheets = 0;
  let t0;
  let cpu0;
  try {
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    for (let uid = Number(firstUid); uid <= Number(lastUid); uid++) {
      const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (!msg || !msg.source) throw new Error(`no message with UID ${uid}`);
      const parsed = await simpleParser(msg.source);
      messages += 1;
      for (const a of parsed.attachments) {
        if (!/\.xlsx$/i.test(a.filename || '')) continue;
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(a.content);
        if (wb.worksheets.length > 0) sheets += 1;
      }
    }
  } finally {
    lock.release();
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await client.logout().catch(() => client.close());
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      messages,
      sheets,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});

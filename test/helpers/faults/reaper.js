// The fault harness's last line of defence against leaked processes. Started by the supervisor
// (./supervisor.ts) with its stdin a pipe from the harness: every child the harness starts is
// registered here ("+<pid>\n", its own process group) and unregistered when it exits
// ("-<pid>\n"). When the pipe closes, because the harness finished or because it died in any
// way (even SIGKILL, where no exit hook runs), the process groups still registered get SIGKILL.
// Unregistering on exit keeps a reused pid from being killed.
'use strict';
const live = new Set();
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (line[0] === '+') live.add(pid);
    else if (line[0] === '-') live.delete(pid);
  }
});
const reap = () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  process.exit(0);
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
// The harness's Ctrl-C reaches the whole terminal's process group: outlive it long enough to reap.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', reap);

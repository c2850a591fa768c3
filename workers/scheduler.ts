/**
 * Entry point for the process that runs the scheduler role: the job schedulers for reminders and
 * the digest. Only the process holding the scheduler's lease runs it (job schedulers are upserted
 * from one place); a second one waits and takes over when the first dies.
 */
import { main } from '../src/cli/main';

main([
  process.argv[0] ?? 'node',
  'duban',
  'serve',
  '--roles',
  'scheduler',
  ...process.argv.slice(2),
]).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70;
  },
);

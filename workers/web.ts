/**
 * Entry point for a process that runs the console alone (the web role), e.g. on the machine the
 * office's reverse proxy reaches; the other roles run elsewhere on the same Redis and database.
 */
import { main } from '../src/cli/main';

main([
  process.argv[0] ?? 'node',
  'duban',
  'serve',
  '--roles',
  'web',
  ...process.argv.slice(2),
]).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70;
  },
);

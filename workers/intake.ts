/**
 * Entry point for a process that runs only the intake role (see src/compose/service.ts). Run
 * several such processes, on one machine or several, against the same Redis and PostgreSQL.
 */
import { main } from '../src/cli/main';

main([
  process.argv[0] ?? 'node',
  'duban',
  'serve',
  '--roles',
  'intake',
  ...process.argv.slice(2),
]).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70;
  },
);

/** Entry point running every role in one process (what `npm start` runs). */
import { main } from '../src/cli/main';

main([process.argv[0] ?? 'node', 'duban', 'serve', ...process.argv.slice(2)]).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70;
  },
);

/**
 * The logger: pino, JSON lines on stderr (stdout belongs to CLI output such as --json).
 * Objects first, constant messages, errors under `err`; passwords redacted wherever they appear
 * under the usual keys.
 */
import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'duban'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['password', '*.password', 'auth.pass', '*.auth.pass'], censor: '***' },
    },
    pino.destination(2),
  );
}

export type { Logger };

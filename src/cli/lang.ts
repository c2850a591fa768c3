import type { CliIO } from './context';
import { parseLang, type Lang } from '../config/schedule-error-format';

/**
 * The language of schedule errors a command prints: --lang, else $DUBAN_LANG, else zh-CN (the
 * office reads them). Help and logs stay English. Null, with the reason on stderr, for a language
 * duban does not speak.
 */
export function resolveLang(flag: string | undefined, io: CliIO): Lang | null {
  const [source, value] =
    flag !== undefined ? ['--lang', flag] : ['DUBAN_LANG', io.env.DUBAN_LANG?.trim() || undefined];
  if (value === undefined) return 'zh-CN';
  const lang = parseLang(value);
  if (lang === null) io.err(`duban: ${source} "${value}" is not a language; use zh-CN or en.`);
  return lang;
}

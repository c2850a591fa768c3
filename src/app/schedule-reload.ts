/**
 * Reloading the schedule while the service runs: on a change of its source (the YAML file,
 * debounced) or on SIGHUP, the schedule is validated again.
 *
 * - Valid: it replaces the running schedule (every job reads it through runtime.intakeDeps(), so
 *   the next job uses it) and `onApplied` runs (the scheduler role re-upserts its job schedulers).
 * - Invalid: the running schedule is kept, every error is logged as file:line:column, and the
 *   office admins (people.office with admin: true, of the running schedule: the new file cannot
 *   be trusted) get the list by mail, once per distinct content: the key is
 *   config-error:<sha256 of the file>, so several processes reloading the same bad file, or the
 *   same file saved twice, send one mail.
 *
 * Hazards: a save fires several events, and a file may be read half-written: the debounce waits
 * for the events to settle, and identical content (by SHA-256) is not reloaded twice. A file
 * that is missing for a moment (between unlink and rename) is logged and waited out. (Watching
 * the directory rather than the file is the source's business: src/adapters/files/.)
 */
import { readFailureDetail, type ConfigError } from '../config/schedule-error';
import { formatScheduleError, scheduleMessage } from '../config/schedule-error-format';
import type { Schedule } from '../config/schedule';
import type { Logger } from '../log';
import type { Clock } from './ports/clock';
import type { Outbox, SendOutcome } from './ports/outbox';
import type { ScheduleSource, ScheduleWatch } from './ports/schedule-source';
import { composeConfigErrorMail } from './config-error-mail';

export { composeConfigErrorMail };

/**
 * What a reload did. `messages` are the errors (refused) or warnings (applied) as the office reads
 * them (zh-CN, `file:line:column 位置：说明`), in the order of the structured list beside them;
 * for an unreadable file, why, in one line.
 */
export type ReloadOutcome =
  | { result: 'applied'; warnings: ConfigError[]; messages: string[] }
  | { result: 'unchanged' }
  | { result: 'unreadable'; message: string; messages: string[] }
  | {
      result: 'refused';
      errors: ConfigError[];
      messages: string[];
      mail: SendOutcome | 'missing' | 'no_admin';
    };

/** The last reload that read the file (an unchanged file does not replace it). */
export interface LastReload {
  at: Date;
  trigger: string;
  outcome: Exclude<ReloadOutcome, { result: 'unchanged' }>;
}

/** What a reload reads, replaces and mails through. */
export interface ScheduleReloadDeps {
  /** Where the schedule is read again from. */
  source: ScheduleSource;
  /** The running schedule: read to tell the admins, replaced when a valid one is applied. */
  running: { get(): Schedule; set(schedule: Schedule): void };
  logger: Logger;
  clock: Clock;
  /** The outbox, as of the moment a refusal is mailed. */
  outboxAt(now: Date): Outbox;
  /** The From address of automatic mails. */
  from: string;
  /** Names this process in the claim of the mail to the admins. */
  claimedBy: string;
}

export interface ScheduleReloadOptions extends ScheduleReloadDeps {
  /** Runs after a valid schedule was swapped in (e.g. scheduler.apply()). */
  onApplied?: (schedule: Schedule) => Promise<unknown>;
  /** Quiet time after the last change event before reading (default 500 ms). */
  debounceMs?: number;
  /** Watch the source (default true). */
  watch?: boolean;
  /** Reload on SIGHUP (default true). */
  sighup?: boolean;
}

export interface ScheduleReloader {
  /** Validates the schedule now and applies or refuses it. */
  reload(trigger: string): Promise<ReloadOutcome>;
  /** The last reload that did not find the content unchanged (for the console); null before. */
  last(): LastReload | null;
  stop(): void;
}

export async function startScheduleReload(
  options: ScheduleReloadOptions,
): Promise<ScheduleReloader> {
  const { source, running } = options;
  const shown = source.name;
  const logger: Logger = options.logger.child({ component: 'schedule-reload' });
  // The content the running schedule came from; an event with the same bytes changes nothing.
  let currentSha: string | null = await source.fingerprint();

  let chain: Promise<unknown> = Promise.resolve();
  let last: LastReload | null = null;
  const reloadOnce = async (trigger: string): Promise<ReloadOutcome> => {
    const outcome = await readAndApply(trigger);
    if (outcome.result !== 'unchanged') last = { at: options.clock.now(), trigger, outcome };
    return outcome;
  };
  const zh = (list: ConfigError[], severity: 'error' | 'warning') =>
    list.map((e) => formatScheduleError(e, 'zh-CN', severity));
  const readAndApply = async (trigger: string): Promise<ReloadOutcome> => {
    const reading = await source.read();
    if (!reading.readable) {
      logger.error(
        { file: shown, trigger, code: reading.code },
        'schedule file unreadable; the running schedule is kept',
      );
      return {
        result: 'unreadable',
        message: reading.code,
        messages: [`${shown}：${scheduleMessage(readFailureDetail(reading.code), 'zh-CN')}`],
      };
    }
    const { result, sha256 } = reading;
    if (sha256 === currentSha) return { result: 'unchanged' };
    currentSha = sha256;

    if (result.ok) {
      running.set(result.schedule);
      for (const w of result.warnings) {
        logger.warn({ warning: formatScheduleError(w, 'en', 'warning') }, 'schedule warning');
      }
      logger.info({ file: shown, trigger, sha256 }, 'schedule reloaded and applied');
      if (options.onApplied) {
        try {
          await options.onApplied(result.schedule);
        } catch (err) {
          logger.error({ err }, 'applying the reloaded schedule failed');
        }
      }
      return {
        result: 'applied',
        warnings: result.warnings,
        messages: zh(result.warnings, 'warning'),
      };
    }

    for (const e of result.errors) {
      logger.error({ error: formatScheduleError(e, 'en') }, 'schedule error');
    }
    logger.error(
      { file: shown, trigger, errors: result.errors.length, sha256 },
      'schedule change refused; the running schedule is kept',
    );
    const refused = {
      result: 'refused',
      errors: result.errors,
      messages: zh(result.errors, 'error'),
    } as const;
    const now = options.clock.now();
    const mail = composeConfigErrorMail({
      schedule: running.get(),
      from: options.from,
      sha: sha256,
      shown,
      errors: result.errors,
      now,
    });
    if (!mail) {
      logger.warn({}, 'no office admin (admin: true) to tell about the schedule errors');
      return { ...refused, mail: 'no_admin' };
    }
    const outbox = options.outboxAt(now);
    await outbox.queue(mail);
    const outcome = await outbox.deliver(mail.key, options.claimedBy);
    return { ...refused, mail: outcome };
  };

  const reload = (trigger: string): Promise<ReloadOutcome> => {
    const next = chain.then(() => reloadOnce(trigger));
    chain = next.catch(() => undefined);
    return next;
  };
  const safeReload = (trigger: string): void => {
    reload(trigger).catch((err: unknown) => logger.error({ err }, 'schedule reload failed'));
  };

  let timer: NodeJS.Timeout | null = null;
  let watch: ScheduleWatch | null = null;
  if (options.watch !== false) {
    const debounce = options.debounceMs ?? 500;
    try {
      watch = source.watch(
        () => {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => {
            timer = null;
            safeReload('watch');
          }, debounce);
        },
        (err) => logger.error({ err }, 'watching the schedule file failed'),
      );
    } catch (err) {
      logger.error({ err, file: shown }, 'cannot watch the schedule file; SIGHUP still reloads it');
    }
  }
  const onHup = (): void => safeReload('SIGHUP');
  if (options.sighup !== false) process.on('SIGHUP', onHup);

  return {
    reload,
    last: () => last,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      watch?.stop();
      watch = null;
      process.off('SIGHUP', onHup);
    },
  };
}

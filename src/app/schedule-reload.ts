/**
 * Reloading the schedule while the service runs: on a change of the YAML file (fs.watch, with a
 * debounce) or on SIGHUP, the file is validated again.
 *
 * - Valid: it replaces runtime.schedule (every job reads it through runtime.intakeDeps(), so the
 *   next job uses it) and `onApplied` runs (the scheduler role re-upserts its job schedulers).
 * - Invalid: the running schedule is kept, every error is logged as file:line:column, and the
 *   office admins (people.office with admin: true, of the running schedule: the new file cannot
 *   be trusted) get the list by mail, once per distinct content: the key is
 *   config-error:<sha256 of the file>, so several processes reloading the same bad file, or the
 *   same file saved twice, send one mail.
 *
 * Hazards: editors save by writing a new file and renaming it over the old one, so a watch on the
 * file itself goes deaf after the first save; the directory is watched instead, filtered by the
 * file's name. A save fires several events, and a file may be read half-written: the debounce
 * waits for the events to settle, and identical content (by SHA-256) is not reloaded twice. A
 * file that is missing for a moment (between unlink and rename) is logged and waited out.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { mailAddress, type OutgoingMail, type SendOutcome } from '../adapters/mail/send';
import {
  formatConfigError,
  loadScheduleFile,
  loadScheduleText,
  type ConfigError,
  type ScheduleResult,
} from '../config/load-schedule';
import type { Schedule } from '../config/schedule';
import { dateOfZh, dateTimeZh } from '../domain/zh/times';
import { configErrorKey } from '../domain/mail-key';
import { deliverQueued, enqueueComposed } from './intake/outbox';
import type { Runtime } from './runtime';

export type ReloadOutcome =
  | { result: 'applied'; warnings: ConfigError[] }
  | { result: 'unchanged' }
  | { result: 'unreadable'; message: string }
  | { result: 'refused'; errors: ConfigError[]; mail: SendOutcome | 'missing' | 'no_admin' };

export interface ScheduleReloadOptions {
  /** The schedule file the service was started with. */
  file: string;
  /** How the file is named in messages (default: as given). */
  displayName?: string;
  runtime: Pick<Runtime, 'schedule' | 'logger' | 'now' | 'workerName' | 'deliverDeps' | 'intake'>;
  /** Runs after a valid schedule was swapped in (e.g. scheduler.apply()). */
  onApplied?: (schedule: Schedule) => Promise<unknown>;
  /** Quiet time after the last file event before reading (default 500 ms). */
  debounceMs?: number;
  /** Watch the file (default true). */
  watch?: boolean;
  /** Reload on SIGHUP (default true). */
  sighup?: boolean;
}

export interface ScheduleReloader {
  /** Validates the file now and applies or refuses it. */
  reload(trigger: string): Promise<ReloadOutcome>;
  stop(): void;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function validate(
  file: string,
  shown: string,
  bytes: Buffer,
): Promise<ScheduleResult & { sha: string }> {
  const sha = sha256(bytes);
  let text: string | null = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = null;
  }
  // Not UTF-8: loadScheduleFile words that refusal; everything else is checked on these bytes.
  const result =
    text === null ? await loadScheduleFile(file, shown) : loadScheduleText(text, shown);
  return { ...result, sha };
}

/** The mail to the office admins listing a refused schedule's errors (formal zh-CN). */
export function composeConfigErrorMail(input: {
  schedule: Schedule;
  from: string;
  sha: string;
  shown: string;
  errors: readonly ConfigError[];
  now: Date;
}): OutgoingMail | null {
  const { schedule, errors, now } = input;
  const admins = schedule.people.office.filter((p) => p.admin);
  if (admins.length === 0) return null;
  const { signature, timezone } = schedule.programme;
  const name = path.basename(input.shown);
  const subject = `【配置错误】${name}有${errors.length}处错误，修改未生效`;
  const text = [
    `${[...new Set(admins.map((a) => a.title))].join('、')}：`,
    '',
    `${dateTimeZh(now, timezone)}，系统读取修改后的配置文件“${input.shown}”时发现${errors.length}处错误，修改未生效。系统继续按修改前的配置运行，提醒和汇总照常发送。`,
    '',
    '错误清单（文件:行:列: 位置: 说明）：',
    ...errors.map((e, i) => `${i + 1}. ${formatConfigError(e)}`),
    '',
    '请按以上说明改正后保存，系统将自动重新读取；也可先运行 duban config check 检查。',
    '',
    '本邮件由系统自动发送。',
    '',
    signature,
    dateOfZh(now, timezone),
    '',
  ].join('\n');
  return {
    key: configErrorKey(input.sha),
    kind: 'config_error',
    autoSubmitted: 'auto-generated',
    from: mailAddress(input.from, signature),
    to: admins.map((a) => ({ name: a.title, address: a.email })),
    cc: [],
    subject,
    text,
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
  };
}

export async function startScheduleReload(
  options: ScheduleReloadOptions,
): Promise<ScheduleReloader> {
  const { runtime, file } = options;
  const shown = options.displayName ?? file;
  const logger: Logger = runtime.logger.child({ component: 'schedule-reload' });
  // The content the running schedule came from; an event with the same bytes changes nothing.
  let currentSha: string | null = null;
  try {
    currentSha = sha256(await fs.promises.readFile(file));
  } catch {
    currentSha = null;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const reloadOnce = async (trigger: string): Promise<ReloadOutcome> => {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch (err) {
      const message = (err as NodeJS.ErrnoException).code ?? String(err);
      logger.error(
        { file: shown, trigger, code: message },
        'schedule file unreadable; the running schedule is kept',
      );
      return { result: 'unreadable', message };
    }
    const result = await validate(file, shown, bytes);
    if (result.sha === currentSha) return { result: 'unchanged' };
    currentSha = result.sha;

    if (result.ok) {
      runtime.schedule = result.schedule;
      for (const w of result.warnings) {
        logger.warn({ warning: formatConfigError(w, 'warning') }, 'schedule warning');
      }
      logger.info({ file: shown, trigger, sha256: result.sha }, 'schedule reloaded and applied');
      if (options.onApplied) {
        try {
          await options.onApplied(result.schedule);
        } catch (err) {
          logger.error({ err }, 'applying the reloaded schedule failed');
        }
      }
      return { result: 'applied', warnings: result.warnings };
    }

    for (const e of result.errors) {
      logger.error({ error: formatConfigError(e) }, 'schedule error');
    }
    logger.error(
      { file: shown, trigger, errors: result.errors.length, sha256: result.sha },
      'schedule change refused; the running schedule is kept',
    );
    const now = runtime.now();
    const mail = composeConfigErrorMail({
      schedule: runtime.schedule,
      from: runtime.intake.from,
      sha: result.sha,
      shown,
      errors: result.errors,
      now,
    });
    if (!mail) {
      logger.warn({}, 'no office admin (admin: true) to tell about the schedule errors');
      return { result: 'refused', errors: result.errors, mail: 'no_admin' };
    }
    const deliver = runtime.deliverDeps();
    await enqueueComposed(deliver.db, mail, now, deliver.logger);
    const outcome = await deliverQueued(
      { ...deliver, now: () => now },
      mail.key,
      `${runtime.workerName}:config-error`,
    );
    return { result: 'refused', errors: result.errors, mail: outcome };
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
  let watcher: fs.FSWatcher | null = null;
  if (options.watch !== false) {
    const base = path.basename(file);
    const debounce = options.debounceMs ?? 500;
    try {
      watcher = fs.watch(path.dirname(path.resolve(file)), (_event, name) => {
        // Some platforms give no name: reload then too (identical content is a no-op).
        if (name !== null && name.toString() !== base) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          safeReload('watch');
        }, debounce);
      });
      watcher.on('error', (err) => logger.error({ err }, 'watching the schedule file failed'));
    } catch (err) {
      logger.error({ err, file: shown }, 'cannot watch the schedule file; SIGHUP still reloads it');
    }
  }
  const onHup = (): void => safeReload('SIGHUP');
  if (options.sighup !== false) process.on('SIGHUP', onHup);

  return {
    reload,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
      process.off('SIGHUP', onHup);
    },
  };
}

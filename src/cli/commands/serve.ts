import type { Command } from 'commander';
import { openRuntime } from '../../compose/runtime';
import { startScheduleReload } from '../../app/schedule-reload';
import { scheduleReloadDeps } from '../../compose/week-deps';
import { resolveSchedulePath, type CommandContext } from '../context';
import { ALL_ROLES, startService, type Role } from '../../compose/service';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../log';
import { EXIT } from '../exit-codes';
import { loadScheduleOrReport } from './config';
import { exitForError } from './common';

/** Waits for SIGTERM or SIGINT (tests may pass their own promise). */
export type StopSignal = Promise<string>;

function signals(): StopSignal {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
}

export function registerServeCommand(
  program: Command,
  ctx: CommandContext,
  stopSignal: () => StopSignal = signals,
): void {
  program
    .command('serve')
    .description('Run the service: watch the mailbox, process sheets, send answers (npm start)')
    .option('--config <FILE>', 'the schedule YAML')
    .option(
      '--roles <LIST>',
      `comma-separated roles for this process (default all): ${ALL_ROLES.join(', ')}`,
      ALL_ROLES.join(','),
    )
    .option('--shutdown-seconds <N>', 'how long work in hand may take to finish on SIGTERM', '20')
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment (README: Environment variables). SIGTERM or\n' +
        'SIGINT stops taking work, lets work in hand finish within --shutdown-seconds, and exits.\n\n' +
        "Exit codes: 0 stopped cleanly; 1 configuration error or the console's port taken; 69 database\n" +
        'unavailable.',
    )
    .action(async (opts: { config?: string; roles: string; shutdownSeconds: string }) => {
      const { io } = ctx;
      const roles = opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
      if (unknown.length || roles.length === 0) {
        io.err(
          `duban serve: --roles: unknown role(s) ${unknown.join(', ')}; use ${ALL_ROLES.join(', ')}.`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      const schedule = await loadScheduleOrReport(opts.config, ctx);
      if (!schedule) return;
      let runtime;
      let logger;
      try {
        // The whole environment first, so every problem is listed before the logger exists.
        const config = loadConfig(io.env, { mailbox: schedule.programme.mailbox, cwd: io.cwd });
        logger = createLogger(config.service.logLevel);
        runtime = await openRuntime({
          config,
          schedule,
          env: io.env,
          cwd: io.cwd,
          logger,
          warmSheetReaders: true,
        });
      } catch (err) {
        return exitForError(err, ctx, 'serve');
      }
      let service;
      try {
        service = await startService(runtime, {
          roles: roles as Role[],
          sweepEveryMs: runtime.service.sweepEveryMs,
          sweepGraceMs: runtime.service.sweepGraceMs,
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
        await runtime.close();
        io.err(
          `duban serve: the console cannot listen on ${runtime.web.host}:${runtime.web.port} (${String(code)}); set HTTP_HOST / HTTP_PORT, or leave out the web role (--roles).`,
        );
        return ctx.setExit(EXIT.USAGE);
      }
      // The admin edits the YAML by hand: re-validate on change and on SIGHUP; an invalid edit
      // keeps the running schedule (and the admin is mailed the errors).
      const file = resolveSchedulePath(opts.config, { ...io, err: () => undefined });
      const reloader = await startScheduleReload({
        ...scheduleReloadDeps(runtime, file.path),
        onApplied: async () => service.scheduler?.apply(),
      });
      runtime.lastReload = () => reloader.last();
      logger.info({ roles }, 'duban serving');
      const signal = await stopSignal();
      logger.info({ signal }, 'stopping');
      reloader.stop();
      await service.stop(Number(opts.shutdownSeconds) * 1000);
      await runtime.close();
      logger.info({}, 'stopped');
      ctx.setExit(EXIT.OK);
    });
}

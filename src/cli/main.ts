import { Command, CommanderError } from 'commander';
import { processIO, type CliIO, type CommandContext } from './context';
import { EXIT } from './exit-codes';
import { registerConfigCommands } from './commands/config';
import { registerMigrateCommand } from './commands/migrate';
import { registerTemplateCommand } from './commands/template';
import { registerParseCommand } from './commands/parse';
import { registerDemoCommand } from './commands/demo';
import { registerIngestCommand } from './commands/ingest';
import { registerServeCommand } from './commands/serve';
import { registerQuarantineCommands } from './commands/quarantine';
import { registerHealthCommand } from './commands/health';
import { registerStatusCommand } from './commands/status';
import { registerRemindCommand } from './commands/remind';
import { registerDigestCommand } from './commands/digest';
import { registerLoginLinkCommand } from './commands/login-link';
import { registerReprocessCommand } from './commands/reprocess';
import { registerAssessmentCommand } from './commands/assessment';
import { registerDecisionsCommands } from './commands/decisions';
import { registerLedgerCommand } from './commands/ledger';
import { registerFollowUpCommand } from './commands/follow-up';

export type { CommandContext };

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('duban')
    .description(
      'duban (督办): collects the weekly issue sheets (问题清单) of a key-project programme by e-mail,\n' +
        'checks them, reminds late lead units and mails the convenors a digest.',
    )
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
    })
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 usage error or invalid schedule; 2 input could not be read;\n' +
        '3 unhealthy (duban health); 69 database unavailable; 70 internal error.\n' +
        'The schedule is read from --config FILE, else $DUBAN_CONFIG, else config/schedule.yaml,\n' +
        'else the bundled example. The database is chosen by $DATABASE_URL (default sqlite:./data/duban.sqlite).',
    );
  registerConfigCommands(program, ctx);
  registerMigrateCommand(program, ctx);
  registerTemplateCommand(program, ctx);
  registerParseCommand(program, ctx);
  registerDemoCommand(program, ctx);
  registerIngestCommand(program, ctx);
  registerServeCommand(program, ctx);
  registerQuarantineCommands(program, ctx);
  registerReprocessCommand(program, ctx);
  registerHealthCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerRemindCommand(program, ctx);
  registerFollowUpCommand(program, ctx);
  registerDigestCommand(program, ctx);
  registerLoginLinkCommand(program, ctx);
  registerAssessmentCommand(program, ctx);
  registerDecisionsCommands(program, ctx);
  registerLedgerCommand(program, ctx);
  return program;
}

/** Runs the CLI and resolves to the process exit code (never calls process.exit itself). */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let exitCode: number = EXIT.OK;
  const ctx: CommandContext = { io, setExit: (code) => (exitCode = code) };
  const program = buildProgram(ctx);
  // Sub-commands inherit exitOverride and output only when configured before they are added.
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
    });
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw err;
  }
  return exitCode;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

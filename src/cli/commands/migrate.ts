import type { Command } from 'commander';
import type { CommandContext } from '../main';

// Placeholder: `duban migrate` is implemented with the storage layer.
export function registerMigrateCommand(program: Command, _ctx: CommandContext): void {
  program.command('migrate').description('Apply database migrations');
}

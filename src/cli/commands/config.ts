import type { Command } from 'commander';
import type { CommandContext } from '../main';

// Placeholder: `duban config check` is implemented with the schedule loader.
export function registerConfigCommands(program: Command, _ctx: CommandContext): void {
  program.command('config').description('Check the schedule YAML');
}

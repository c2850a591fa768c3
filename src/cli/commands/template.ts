import type { Command } from 'commander';
import type { CommandContext } from '../main';

export function registerTemplateCommand(program: Command, _ctx: CommandContext): void {
  program.command('template').description("Write a unit's pre-filled weekly issue sheet");
}

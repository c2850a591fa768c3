import type { Command } from 'commander';
import type { CommandContext } from '../main';

export function registerParseCommand(program: Command, _ctx: CommandContext): void {
  program.command('parse').description('Read a filled weekly issue sheet');
}

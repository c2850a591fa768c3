/**
 * The sheet reader port: an attached workbook's bytes in, the issue sheet as the domain reads it
 * out. Never throws for bad input: a refused file is a ParsedSheet with ok=false and one issue
 * for the sender (the adapter reads untrusted files in a sandbox).
 */
import type { ProjectNames } from '../../domain/sheet/match';
import type { ParsedSheet } from '../../domain/sheet/parse';

export interface SheetReadOptions {
  /** The programme's projects, to match written project names against (catalogOf(schedule)). */
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date for due dates written without a year when 填报时间 gives none. */
  referenceDate: string;
}

export interface SheetReader {
  read(bytes: Buffer, options: SheetReadOptions): Promise<ParsedSheet>;
}

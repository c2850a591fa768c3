/**
 * The sheet reader port: an attached file's bytes in, the issue sheet as the domain reads it out.
 * Any format a unit sends (workbooks, CSV, HTML tables, Word tables; legacy binaries converted).
 * Never throws for bad input: a refused file is a ParsedSheet with ok=false and one issue for
 * the sender (the adapter reads untrusted files in a sandbox).
 */
import type { FileIdentity } from '../../domain/sheet/formats';
import type { ProjectNames } from '../../domain/sheet/match';
import type { ParsedSheet } from '../../domain/sheet/parse';

export interface SheetReadOptions {
  /** The programme's projects, to match written project names against (catalogOf(schedule)). */
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date for due dates written without a year when 填报时间 gives none. */
  referenceDate: string;
}

export interface SheetReader {
  /** What the bytes are, from their content (never the file name). Cheap, synchronous. */
  identify(bytes: Buffer): FileIdentity;
  read(bytes: Buffer, options: SheetReadOptions): Promise<ParsedSheet>;
}

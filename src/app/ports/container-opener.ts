/**
 * The container port: the files inside an attached archive (.zip, .7z, .rar) or Outlook's
 * winmail.dat (TNEF), for the intake to read each like an attachment. The adapter opens untrusted
 * containers within limits (entries, total size, ratio, one level of nesting), never writes
 * outside a private temp dir, and never throws for bad input: a refusal is a value.
 */
import type { Code } from '../../errors';
import type { ContainerFormat } from '../../domain/sheet/formats';

export interface ContainedFile {
  /**
   * Names from the outermost container inward: ["问题清单.xlsx"] for a file in the archive, or
   * ["内层.zip", "问题清单.xlsx"] for a file in an archive inside it. Decoded (GBK names of
   * Windows zips included), directory parts kept ("材料/问题清单.xlsx").
   */
  path: string[];
  bytes: Buffer;
}

/** An entry that was not extracted, and why (an encrypted entry beside plain ones, a limit). */
export interface SkippedEntry {
  path: string[];
  code: Code;
}

export type OpenedContainer =
  | { ok: true; format: ContainerFormat; files: ContainedFile[]; skipped: SkippedEntry[] }
  /** Nothing could be taken out: ARCHIVE_ENCRYPTED, ARCHIVE_TOO_LARGE, ARCHIVE_DAMAGED, … */
  | { ok: false; format: ContainerFormat; code: Code; detail: string };

export interface ContainerOpener {
  open(bytes: Buffer, format: ContainerFormat): Promise<OpenedContainer>;
}

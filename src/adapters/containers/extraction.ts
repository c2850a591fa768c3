/**
 * What one reader (zip, archive tool, TNEF) takes out of one container, before nesting is looked
 * at: the files by their decoded, safe names, the entries left inside and why, or a refusal.
 */
import type { Code } from '../../errors';

export interface UnpackedFile {
  /** Decoded and safe ("材料/问题清单.xlsx"). */
  name: string;
  bytes: Buffer;
}

export interface LeftEntry {
  name: string;
  code: Code;
}

export type Extraction =
  | { ok: true; files: UnpackedFile[]; skipped: LeftEntry[] }
  | { ok: false; code: Code; detail: string };

export const refuse = (code: Code, detail: string): Extraction => ({ ok: false, code, detail });

/**
 * Files taken out, or — when entries were found but every one of them was left inside — the
 * refusal of the first one (an archive whose only entries are encrypted is an encrypted archive).
 */
export function settle(files: UnpackedFile[], skipped: LeftEntry[], what: string): Extraction {
  const first = skipped[0];
  if (files.length === 0 && first) {
    return refuse(first.code, `${what}: every entry left unread (${first.code}: ${first.name})`);
  }
  return { ok: true, files, skipped };
}

/** The digest workbook port: the consolidated 问题清单 attached to the digest, as .xlsx bytes. */
import type { DigestModel } from '../../domain/digest';

export interface DigestWorkbookWriter {
  /** The workbook of the digest model, stamped with the moment it was built. */
  write(model: DigestModel, now: Date): Promise<Uint8Array>;
}

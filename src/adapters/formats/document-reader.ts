/**
 * The sheet reader services and the CLI use (the SheetReader port): the format decided from the
 * content, legacy binaries converted by LibreOffice here in the parent (its own sandboxed child
 * process, killed with its process group at its time limit), then the file read in a sandbox
 * worker thread (memory and time limits) by read-document.ts.
 */
import type { SheetReader, SheetReadOptions } from '../../app/ports/sheet-reader';
import { DubanError } from '../../errors';
import type { FileIdentity, SheetFormat } from '../../domain/sheet/formats';
import type { ParsedSheet } from '../../domain/sheet/parse';
import { refusal } from '../excel/read-sheet';
import { CONVERTED_FORMATS, type ReadDocumentOptions } from './read-document';
import { sniffFile } from './sniff';

/** LibreOffice (or a stand-in in tests): legacy binaries to .xlsx / .docx. */
export interface DocumentConverter {
  available(): boolean;
  convert(bytes: Buffer, from: 'xls' | 'doc' | 'odt'): Promise<Buffer>;
}

export type SandboxedRead = (bytes: Buffer, options: ReadDocumentOptions) => Promise<ParsedSheet>;

export class DocumentReader implements SheetReader {
  constructor(
    private readonly sandboxed: SandboxedRead,
    private readonly converter: DocumentConverter | null,
  ) {}

  identify(bytes: Buffer): FileIdentity {
    return sniffFile(bytes);
  }

  async read(bytes: Buffer, options: SheetReadOptions): Promise<ParsedSheet> {
    const identity = sniffFile(bytes);
    if (identity.kind !== 'sheet' || !CONVERTED_FORMATS.has(identity.format)) {
      return this.sandboxed(bytes, options);
    }
    const from = identity.format as 'xls' | 'doc' | 'odt';
    if (!this.converter?.available()) {
      return refusal(new DubanError('CONVERTER_MISSING', 'soffice not installed'), from);
    }
    let converted: Buffer;
    try {
      converted = await this.converter.convert(bytes, from);
    } catch (err) {
      const e = err instanceof DubanError ? err : new DubanError('CONVERSION_FAILED', String(err));
      return refusal(e, from);
    }
    return this.sandboxed(converted, { ...options, reportAs: from satisfies SheetFormat });
  }
}

/**
 * The external tools the intake uses, chosen once: LibreOffice for legacy binaries (.xls/.et,
 * .doc/.wps, .odt) and the archive opener. Without LibreOffice such files are refused with the
 * precise "save as .xlsx" answer (CONVERTER_MISSING).
 */
import type { ContainerOpener } from '../app/ports/container-opener';
import type { DocumentConverter } from '../adapters/formats/document-reader';

export function documentConverter(): DocumentConverter | null {
  return null;
}

export function containerOpener(): ContainerOpener {
  return {
    open: (_bytes, format) =>
      Promise.resolve({ ok: false, format, code: 'ARCHIVE_DAMAGED', detail: 'not wired yet' }),
  };
}

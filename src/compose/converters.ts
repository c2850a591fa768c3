/**
 * The external tools the intake uses, chosen once: LibreOffice for legacy binaries (.xls/.et,
 * .doc/.wps, .odt) and the archive opener. Without LibreOffice such files are refused with the
 * precise "save as .xlsx" answer (CONVERTER_MISSING).
 */
import type { ContainerOpener } from '../app/ports/container-opener';
import { ARCHIVE_TOOL_MISSING, openContainer } from '../adapters/containers/opener';
import type { DocumentConverter } from '../adapters/formats/document-reader';

export function documentConverter(): DocumentConverter | null {
  return null;
}

/**
 * Archives and winmail.dat, opened within limits (src/adapters/containers). Without bsdtar a .7z
 * or .rar cannot be opened: the sender is asked to unpack it (UNSUPPORTED_FORMAT), not told it
 * is damaged.
 */
export function containerOpener(): ContainerOpener {
  return {
    async open(bytes, format) {
      const opened = await openContainer(bytes, format);
      if (!opened.ok && opened.detail === ARCHIVE_TOOL_MISSING) {
        return { ...opened, code: 'UNSUPPORTED_FORMAT' };
      }
      return opened;
    },
  };
}

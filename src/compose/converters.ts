/**
 * The external tools the intake uses, chosen once: LibreOffice for legacy binaries (.xls/.et,
 * .doc/.wps, .odt) and the archive opener. Without LibreOffice such files are refused with the
 * precise "save as .xlsx" answer (CONVERTER_MISSING).
 */
import type { ContainerOpener } from '../app/ports/container-opener';
import {
  archiveToolAvailable,
  ARCHIVE_TOOL_MISSING,
  openContainer,
} from '../adapters/containers/opener';
import {
  converterMissingWarning,
  convertWithLibreOffice,
  libreOfficeAvailable,
} from '../adapters/formats/libreoffice';
import type { Logger } from '../log';
import type { DocumentConverter } from '../adapters/formats/document-reader';

/** LibreOffice, run sandboxed per conversion (src/adapters/formats/libreoffice.ts). */
export function documentConverter(logger?: Pick<Logger, 'warn'>): DocumentConverter {
  return {
    available: libreOfficeAvailable,
    convert: (bytes, from) => convertWithLibreOffice(bytes, from, logger ? { logger } : {}),
  };
}

/**
 * One warning per missing tool, for the operator at service start: the files it would read are
 * then refused with a precise answer to the sender, never dropped.
 */
export function warnAboutMissingTools(logger: Pick<Logger, 'warn'>): void {
  const soffice = converterMissingWarning();
  if (soffice) logger.warn({ code: 'CONVERTER_MISSING' }, soffice);
  if (!archiveToolAvailable()) {
    logger.warn(
      { code: 'UNSUPPORTED_FORMAT' },
      'bsdtar (Debian libarchive-tools) or prlimit not found: .7z and .rar attachments will be refused (senders are asked to unpack them); install libarchive-tools.',
    );
  }
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

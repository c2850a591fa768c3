/**
 * The container port's adapter: a container's files, by the reader of its kind (zip in-process,
 * 7z and rar through the sandboxed archive tool, TNEF in-process), and one level of containers
 * inside it, each judged by its content (sniffFile: a .zip named .rar is a zip). A container found
 * deeper is left as ARCHIVE_NESTED_TOO_DEEP (the droste zip that contains itself ends there). The
 * total-size limit holds for all levels together. Never throws for bad input.
 */
import type { ContainerFormat } from '../../domain/sheet/formats';
import type {
  ContainedFile,
  ContainerOpener,
  OpenedContainer,
  SkippedEntry,
} from '../../app/ports/container-opener';
import { sniffFile } from '../formats/sniff';
import { archiveToolAvailable, readWithArchiveTool } from './archive-tool';
import type { Extraction } from './extraction';
import { DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './limits';
import { readTnef } from './tnef';
import { readZip } from './zip';

export { archiveToolAvailable, ARCHIVE_TOOL_MISSING } from './archive-tool';

export async function openContainer(
  bytes: Buffer,
  format: ContainerFormat,
  limits: Partial<ContainerLimits> = {},
): Promise<OpenedContainer> {
  const all: ContainerLimits = { ...DEFAULT_CONTAINER_LIMITS, ...limits };
  try {
    return await openLevel(bytes, format, all, 0, { left: all.maxTotalBytes });
  } catch (err) {
    return {
      ok: false,
      format,
      code: 'ARCHIVE_DAMAGED',
      detail: `unreadable: ${(err as Error).message}`,
    };
  }
}

export const containerOpener: ContainerOpener = {
  open: (bytes, format) => openContainer(bytes, format),
};

interface Budget {
  left: number;
}

async function openLevel(
  bytes: Buffer,
  format: ContainerFormat,
  limits: ContainerLimits,
  depth: number,
  budget: Budget,
): Promise<OpenedContainer> {
  const extraction = await extract(bytes, format, limits, budget.left);
  if (!extraction.ok)
    return { ok: false, format, code: extraction.code, detail: extraction.detail };
  const files: ContainedFile[] = [];
  const skipped: SkippedEntry[] = extraction.skipped.map((s) => ({ path: [s.name], code: s.code }));
  for (const file of extraction.files) budget.left -= file.bytes.length;
  for (const file of extraction.files) {
    const identity = sniffFile(file.bytes);
    if (identity.kind !== 'container') {
      files.push({ path: [file.name], bytes: file.bytes });
      continue;
    }
    if (depth >= limits.maxNesting) {
      skipped.push({ path: [file.name], code: 'ARCHIVE_NESTED_TOO_DEEP' });
      continue;
    }
    const inner = await openLevel(file.bytes, identity.format, limits, depth + 1, budget);
    if (!inner.ok) {
      skipped.push({ path: [file.name], code: inner.code });
      continue;
    }
    files.push(...inner.files.map((f) => ({ path: [file.name, ...f.path], bytes: f.bytes })));
    skipped.push(...inner.skipped.map((s) => ({ path: [file.name, ...s.path], code: s.code })));
  }
  const first = skipped[0];
  if (files.length === 0 && first) {
    return {
      ok: false,
      format,
      code: first.code,
      detail: `nothing readable inside (${first.path.join(' / ')})`,
    };
  }
  return { ok: true, format, files, skipped };
}

function extract(
  bytes: Buffer,
  format: ContainerFormat,
  limits: ContainerLimits,
  budget: number,
): Promise<Extraction> | Extraction {
  switch (format) {
    case 'zip':
      return readZip(bytes, {
        limits,
        budget,
        otherMethods: archiveToolAvailable()
          ? () => readWithArchiveTool(bytes, 'zip', { limits, budget })
          : undefined,
      });
    case '7z':
    case 'rar':
      return readWithArchiveTool(bytes, format, { limits, budget });
    case 'tnef':
      return readTnef(bytes, { limits, budget });
  }
}

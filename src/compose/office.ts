/**
 * The office pages' dependencies (src/adapters/web/routes/office.ts) over the runtime: the
 * storage reads, the message preview, the intake for releases and reprocessing, the digest's
 * preview and exactly-once sending.
 */
import { randomUUID } from 'node:crypto';
import { extractAttachment } from '../adapters/mail/extract-attachment';
import { StorageOfficeReads } from '../adapters/storage/office-reads';
import type { OfficeDeps, ReloadView } from '../adapters/web/routes/office';
import { previewNextDigest, sendNextDigestNow } from '../app/console/next-digest';
import { messagePreviewer } from './message-preview';
import type { Runtime } from './runtime';
import { digestBuildDepsOver, digestSendDepsOver } from './week-deps';

export function officeDepsOver(
  runtime: Pick<
    Runtime,
    'db' | 'schedule' | 'intake' | 'intakeDeps' | 'deliverDeps' | 'workerName'
  >,
  lastReload: () => ReloadView | null = () => null,
): OfficeDeps {
  return {
    reads: new StorageOfficeReads(runtime.db),
    preview: messagePreviewer(runtime.intake.maxMessageBytes),
    extractAttachment,
    schedule: () => runtime.schedule,
    intake: () => runtime.intakeDeps(),
    claimedBy: runtime.workerName,
    digest: {
      preview: (now) => previewNextDigest(digestBuildDepsOver(runtime.db), runtime.schedule, now),
      sendNow: (now) =>
        sendNextDigestNow(
          digestSendDepsOver({
            ...runtime.deliverDeps(),
            now: () => now,
            schedule: runtime.schedule,
            from: runtime.intake.from,
            claimedBy: `${runtime.workerName}:digest-now:${randomUUID().slice(0, 8)}`,
          }),
        ),
    },
    lastReload,
  };
}

/**
 * The schedule YAML file as a ScheduleSource (src/app/ports/schedule-source.ts): read and
 * validated, fingerprinted by SHA-256, watched for changes.
 *
 * Hazard: editors save by writing a new file and renaming it over the old one, so a watch on the
 * file itself goes deaf after the first save; the directory is watched instead, filtered by the
 * file's name.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  ScheduleReading,
  ScheduleSource,
  ScheduleWatch,
} from '../../app/ports/schedule-source';
import { loadScheduleFile, loadScheduleText } from '../../config/load-schedule';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The schedule file at `file`, named `displayName` in messages. */
export function scheduleFile(file: string, displayName: string = file): ScheduleSource {
  return {
    name: displayName,
    async fingerprint() {
      try {
        return sha256(await fs.promises.readFile(file));
      } catch {
        return null;
      }
    },
    async read(): Promise<ScheduleReading> {
      let bytes: Buffer;
      try {
        bytes = await fs.promises.readFile(file);
      } catch (err) {
        return { readable: false, code: (err as NodeJS.ErrnoException).code ?? String(err) };
      }
      let text: string | null = null;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = null;
      }
      // Not UTF-8: loadScheduleFile words that refusal; everything else is checked on these bytes.
      const result =
        text === null
          ? await loadScheduleFile(file, displayName)
          : loadScheduleText(text, displayName);
      return { readable: true, sha256: sha256(bytes), result };
    },
    watch(onChange, onError): ScheduleWatch {
      const base = path.basename(file);
      const watcher = fs.watch(path.dirname(path.resolve(file)), (_event, name) => {
        // Some platforms give no name: report a change then too (identical content is a no-op).
        if (name !== null && name.toString() !== base) return;
        onChange();
      });
      watcher.on('error', onError);
      return { stop: () => watcher.close() };
    },
  };
}

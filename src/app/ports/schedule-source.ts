/**
 * The schedule source port: where the running service reads its schedule again from (the YAML
 * file), and how it learns that the file changed.
 */
import type { ScheduleResult } from '../../config/load-schedule';

export type ScheduleReading =
  | { readable: true; /** SHA-256 of the content read */ sha256: string; result: ScheduleResult }
  | { readable: false; /** Why not, e.g. ENOENT */ code: string };

export interface ScheduleWatch {
  stop(): void;
}

export interface ScheduleSource {
  /** How the source is named in messages (e.g. config/schedule.yaml). */
  readonly name: string;
  /** SHA-256 of the current content, or null when it cannot be read. */
  fingerprint(): Promise<string | null>;
  /** Reads and validates the current content. */
  read(): Promise<ScheduleReading>;
  /**
   * Calls `onChange` at every change event (not debounced: a save fires several). Throws when
   * the source cannot be watched; `onError` gets errors of a running watch.
   */
  watch(onChange: () => void, onError: (err: unknown) => void): ScheduleWatch;
}

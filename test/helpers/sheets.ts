import * as path from 'node:path';
import { loadScheduleFile } from '../../src/config/load-schedule';
import type { Schedule } from '../../src/config/schedule';
import { EXAMPLE_SCHEDULE } from '../../src/cli/context';

export const SHEETS_DIR = path.join(__dirname, '..', 'fixtures', 'sheets');
export const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'corpus');

let example: Schedule | null = null;

/** The bundled example schedule (the notice's first batch), loaded once per test file. */
export async function exampleSchedule(): Promise<Schedule> {
  if (example) return example;
  const result = await loadScheduleFile(EXAMPLE_SCHEDULE);
  if (!result.ok) throw new Error(`example schedule invalid: ${JSON.stringify(result.errors)}`);
  example = result.schedule;
  return example;
}

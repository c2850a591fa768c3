/** The template writer port: a unit's issue sheet to fill in, as .xlsx bytes. */
import type { Schedule } from '../../config/schedule';
import type { TemplateItem } from '../../domain/decisions/types';
import type { PreviousAnswers } from '../../domain/sheet/previous-answers';

export interface TemplateRequest {
  schedule: Schedule;
  unitId: string;
  /** The reporting week's Monday (ISO). */
  week: string;
  /** Add the 完成情况 drop-down column after 完成时限 (default false: the nine official columns). */
  statusColumn?: boolean;
  /** Pre-fill with these answers (default none: the prompts only). */
  previous?: PreviousAnswers | null;
  /**
   * The unit's open agreed items: the template gains the sheet 议定事项落实情况 listing them
   * (编号, 议定事项, 办结时限, 落实情况, 是否办结 with a drop-down), pre-filled with the unit's
   * last answers. Omitted or empty: no such sheet.
   */
  items?: readonly TemplateItem[];
}

export interface TemplateWriter {
  /** The unit's pre-filled template for the week. */
  write(request: TemplateRequest): Promise<Uint8Array>;
}

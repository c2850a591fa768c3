/**
 * Building the Monday digest: read the week (submissions, their content, the earlier weeks' for
 * the marks, reminders, the office's pending mail) through the week reads and render the three
 * forms (HTML, text, the .xlsx workbook).
 */
import type { Schedule } from '../../config/schedule';
import {
  buildDigestModel,
  lookbackWeeks,
  renderDigestHtml,
  renderDigestText,
  renderFullDigestHtml,
  type DecisionFacts,
  type DigestModel,
  type OfficeFacts,
} from '../../domain/digest';
import type { DecisionStore } from '../ports/decision-store';
import type { DigestWorkbookWriter } from '../ports/digest-workbook';
import type { WeekReads } from '../ports/week-reads';
import { digestVersions, nextDigestEdition, sentBefore } from './editions';

/** Stored messages without an outcome for this long are reported to the office. */
const UNPROCESSED_AFTER_MS = 10 * 60_000;
/** Unsent mails of the last days are reported (besides those of the week itself). */
const UNSENT_WINDOW_MS = 7 * 86_400_000;

/** What building a digest reads and writes through. */
export interface DigestBuildDeps {
  reads: WeekReads;
  workbooks: DigestWorkbookWriter;
  /** The agreed items (议定事项); absent: the digest has no items section. */
  decisions?: DecisionStore;
  /** The console's address (PUBLIC_URL), linked from a compact digest; absent: no link. */
  consoleUrl?: string;
}

export interface DigestBuild {
  model: DigestModel;
  subject: string;
  html: string;
  text: string;
  xlsx: Uint8Array;
  attachmentName: string;
  /**
   * A compact digest's full HTML (every project), attached as `fullHtmlName`; null when the body
   * is the full digest already (a district programme).
   */
  fullHtml: string | null;
  fullHtmlName: string;
  version: number;
}

/** The agreed items, their reports and history, as the digest reads them. */
export async function decisionFacts(decisions: DecisionStore): Promise<DecisionFacts> {
  const items = await decisions.items();
  if (items.length === 0) return { items, reports: [], events: [] };
  return { items, reports: await decisions.reports(), events: await decisions.events() };
}

export interface DigestBuildOptions {
  /** The version to build (default: the one a send would make now). */
  version?: number;
  /** When an earlier version went out (default: read from the database). */
  previousSentAt?: Date | null;
}

/** What the office must look at: held, unprocessed and unsent mail. */
export async function officeFacts(reads: WeekReads, week: string, now: Date): Promise<OfficeFacts> {
  return {
    quarantined: await reads.heldMessages(now),
    unsentMails: await reads.unsentMails(week, new Date(now.getTime() - UNSENT_WINDOW_MS), now),
    unprocessed: await reads.unprocessedCount(new Date(now.getTime() - UNPROCESSED_AFTER_MS)),
  };
}

/** Builds the week's digest as it stands at `now`: the model and its three forms. */
export async function buildDigest(
  deps: DigestBuildDeps,
  schedule: Schedule,
  week: string,
  now: Date,
  options: DigestBuildOptions = {},
): Promise<DigestBuild> {
  const { reads } = deps;
  const versions = await digestVersions(reads, week);
  const choice = nextDigestEdition(versions);
  const version = options.version ?? choice.version;
  const previousSentAt =
    options.previousSentAt !== undefined ? options.previousSentAt : sentBefore(versions, version);
  const earlier = lookbackWeeks(week);
  const [current, ...previous] = await reads.currentSheets([week, ...earlier]);
  const model = buildDigestModel({
    schedule,
    week,
    now,
    facts: await reads.submissionFacts(week),
    digestSentAt: await reads.digestSentAt(week),
    itemUnits: await reads.unitsWithOpenItems(week),
    reminders: await reads.remindersSent(week),
    current: current?.sheets ?? [],
    previous,
    office: await officeFacts(reads, week, now),
    edition: { version, previousSentAt },
    decisions: deps.decisions ? await decisionFacts(deps.decisions) : null,
    consoleUrl: deps.consoleUrl ?? null,
  });
  return {
    model,
    subject: model.subject,
    html: renderDigestHtml(model),
    text: renderDigestText(model),
    xlsx: await deps.workbooks.write(model, now),
    attachmentName: model.attachmentName,
    fullHtml: model.compact ? renderFullDigestHtml(model) : null,
    fullHtmlName: model.fullHtmlName,
    version,
  };
}

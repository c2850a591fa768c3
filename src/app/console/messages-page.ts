/**
 * The /messages and /quarantine pages' view models: received messages with what they came to,
 * their attachments as decoded (names, sizes, the files inside archives) and the ids to download
 * them by. Filters come from the page's query and are checked here: anything unknown is dropped.
 */
import type { Schedule } from '../../config/schedule';
import type {
  MessageFilter,
  MessagePreviewer,
  OfficeReads,
  ReceivedMessage,
  RecordedAttachment,
} from '../ports/office-reads';

export const MESSAGES_PER_PAGE = 20;
/** The quarantine page shows at most this many held messages. */
export const HELD_LIMIT = 100;

/** The outcomes a message can have (processing's words), for the filter. */
export const MESSAGE_OUTCOMES = [
  'accepted',
  'accepted_with_warnings',
  'rejected',
  'quarantined',
  'ignored',
  'duplicate',
  'items_recorded',
] as const;

export interface MessagesDeps {
  reads: OfficeReads;
  preview: MessagePreviewer;
  schedule: Schedule;
}

export interface AttachmentView {
  filename: string;
  contentType: string;
  size: number;
  inner: string[];
  /** The recorded attachment's id, for /attachments/:id; null when it was not recorded. */
  downloadId: number | null;
}

export interface MessageView {
  message: ReceivedMessage;
  unitName: string | null;
  attachments: AttachmentView[];
  firstLines: string;
  unreadable: string | null;
}

export interface MessagesPage {
  filter: MessageFilter;
  items: MessageView[];
  total: number;
  /** 1-based. */
  page: number;
  pages: number;
}

/** The filter and page a query asks for, keeping only valid values. */
export function messagesQuery(
  schedule: Schedule,
  query: Record<string, unknown>,
): { filter: MessageFilter; page: number } {
  const text = (k: string): string => (typeof query[k] === 'string' ? String(query[k]).trim() : '');
  const filter: MessageFilter = {};
  const week = text('week');
  if (/^\d{4}-\d{2}-\d{2}$/.test(week)) filter.week = week;
  const unit = text('unit');
  if (schedule.units.some((u) => u.id === unit)) filter.unitId = unit;
  const outcome = text('outcome');
  if ((MESSAGE_OUTCOMES as readonly string[]).includes(outcome)) filter.outcome = outcome;
  const n = Number(text('page'));
  const page = Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
  return { filter, page };
}

async function views(deps: MessagesDeps, rows: ReceivedMessage[]): Promise<MessageView[]> {
  const recorded = await deps.reads.attachmentsOf(rows.map((r) => r.id));
  const byMessage = new Map<number, RecordedAttachment[]>();
  for (const a of recorded) {
    const list = byMessage.get(a.rawMessageId) ?? [];
    list.push(a);
    byMessage.set(a.rawMessageId, list);
  }
  const units = new Map(deps.schedule.units.map((u) => [u.id, u.name]));
  const out: MessageView[] = [];
  for (const message of rows) {
    const raw = await deps.reads.rawMessage(message.id);
    const preview = raw
      ? await deps.preview(raw)
      : { attachments: [], firstLines: '', unreadable: null };
    // The intake records the attachments in the preview's order (embedded images left out).
    const mine = byMessage.get(message.id) ?? [];
    out.push({
      message,
      unitName: message.unitId ? (units.get(message.unitId) ?? message.unitId) : null,
      attachments: preview.attachments.map((a, i) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        inner: a.inner ?? [],
        downloadId: mine[i]?.id ?? null,
      })),
      firstLines: preview.firstLines,
      unreadable: preview.unreadable,
    });
  }
  return out;
}

export async function messagesPage(
  deps: MessagesDeps,
  query: Record<string, unknown>,
): Promise<MessagesPage> {
  const { filter, page } = messagesQuery(deps.schedule, query);
  const { rows, total } = await deps.reads.messages(filter, {
    offset: (page - 1) * MESSAGES_PER_PAGE,
    limit: MESSAGES_PER_PAGE,
  });
  return {
    filter,
    items: await views(deps, rows),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / MESSAGES_PER_PAGE)),
  };
}

/** The held messages (quarantined, or from a unit but not usable), newest first. */
export async function heldMessagesPage(deps: MessagesDeps): Promise<MessageView[]> {
  return views(deps, await deps.reads.heldMessages(HELD_LIMIT));
}

/** One message's view (for a confirmation page), or null. */
export async function messageView(deps: MessagesDeps, id: number): Promise<MessageView | null> {
  const m = await deps.reads.message(id);
  return m ? ((await views(deps, [m]))[0] ?? null) : null;
}

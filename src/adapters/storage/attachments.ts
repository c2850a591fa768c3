/** Attachments: the parts of a message that are files, one row per (message, position). */
import type { Db } from './connection';
import { flag, sha256Hex, toBuffer, toTimestamp } from './codecs';
import type { AttachmentRow } from './schema';

export interface NewAttachment {
  rawMessageId: number;
  /** 0-based position among the message's attachments. */
  ordinal: number;
  filename: string | null;
  contentType: string | null;
  /** The decoded file; its size and SHA-256 are computed here. */
  content: Uint8Array;
  /** Store the bytes too (default true). False for ignored files: the raw message has them. */
  keepBytes?: boolean;
  used: boolean;
  note?: string | null;
  now?: Date;
}

/**
 * Records an attachment and returns its id. Keyed by (message, ordinal): processing the same
 * message again (a replay, a retried job) updates the row instead of adding a second one.
 */
export async function recordAttachment(db: Db, input: NewAttachment): Promise<number> {
  const content = toBuffer(input.content);
  const row = await db.kysely
    .insertInto('attachments')
    .values({
      raw_message_id: input.rawMessageId,
      ordinal: input.ordinal,
      filename: input.filename,
      content_type: input.contentType,
      size: content.length,
      sha256: sha256Hex(content),
      bytes: input.keepBytes === false ? null : content,
      used: flag(input.used),
      note: input.note ?? null,
      created_at: toTimestamp(input.now ?? new Date()),
    })
    .onConflict((oc) =>
      oc.columns(['raw_message_id', 'ordinal']).doUpdateSet((eb) => ({
        filename: eb.ref('excluded.filename'),
        content_type: eb.ref('excluded.content_type'),
        size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'),
        bytes: eb.ref('excluded.bytes'),
        used: eb.ref('excluded.used'),
        note: eb.ref('excluded.note'),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setAttachmentUse(
  db: Db,
  id: number,
  used: boolean,
  note: string | null = null,
): Promise<void> {
  await db.kysely
    .updateTable('attachments')
    .set({ used: flag(used), note })
    .where('id', '=', id)
    .execute();
}

export async function attachmentsOf(db: Db, rawMessageId: number): Promise<AttachmentRow[]> {
  return db.kysely
    .selectFrom('attachments')
    .selectAll()
    .where('raw_message_id', '=', rawMessageId)
    .orderBy('ordinal')
    .execute();
}

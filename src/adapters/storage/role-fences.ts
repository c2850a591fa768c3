/**
 * The largest fence handed out per singleton role (src/adapters/lease): the floor for the next
 * one. A fence is recorded before its holder starts the role, and only when it is larger than
 * every fence recorded before, so no two holders ever run with the same fence, even when Redis
 * lost its counter.
 */
import type { Db } from './connection';
import { toTimestamp } from './codecs';

/** The largest fence recorded for `role` (0 when none). */
export async function roleFence(db: Db, role: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('role_fences')
    .select('fence')
    .where('role', '=', role)
    .executeTakeFirst();
  return Number(row?.fence ?? 0);
}

/**
 * Records `fence` as the role's latest; false (nothing written) when a fence at least as large
 * is recorded already: the caller must not run the role with it.
 */
export async function recordRoleFence(
  db: Db,
  input: { role: string; fence: number; holder: string; now?: Date },
): Promise<boolean> {
  const row = await db.kysely
    .insertInto('role_fences')
    .values({
      role: input.role,
      fence: input.fence,
      holder: input.holder,
      acquired_at: toTimestamp(input.now ?? new Date()),
    })
    .onConflict((oc) =>
      oc
        .column('role')
        .doUpdateSet((eb) => ({
          fence: eb.ref('excluded.fence'),
          holder: eb.ref('excluded.holder'),
          acquired_at: eb.ref('excluded.acquired_at'),
        }))
        .where('role_fences.fence', '<', input.fence),
    )
    .returning('role')
    .executeTakeFirst();
  return row !== undefined;
}

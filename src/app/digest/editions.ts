/**
 * The editions (versions) of a week's digest. Each send of a week's digest is a version, keyed
 * `digest:<week>:v<n>`. A send makes version 1 + the latest version that went out (or failed for
 * good: a rebuilt mail, e.g. after an address was corrected in the schedule, needs a new key).
 * When the latest version was queued but has not gone out yet (a crash after queueing, an SMTP
 * server that asked to retry), a send delivers that queued version as it was composed instead of
 * making a new one: a retried send is never a second mail. Version 2 and later are labelled 更新版
 * in the subject and the opening when an earlier version did go out.
 */
import { parseMailKey } from '../../domain/mail-key';
import type { WeekReads } from '../ports/week-reads';

export interface DigestVersionState {
  version: number;
  /** 'queued' when composed and queued but never claimed for sending. */
  status: 'queued' | 'claimed' | 'sent' | 'failed' | 'retrying';
  sentAt: Date | null;
}

/** Every version of a week's digest that was queued or sent, oldest first. */
export async function digestVersions(
  reads: Pick<WeekReads, 'digestEditions'>,
  week: string,
): Promise<DigestVersionState[]> {
  const mails = await reads.digestEditions(week);
  const byVersion = new Map<number, DigestVersionState>();
  const versionOf = (key: string): number | null => {
    const parsed = parseMailKey(key);
    return parsed?.kind === 'digest' && parsed.week === week ? parsed.version : null;
  };
  for (const o of mails) {
    const v = versionOf(o.key);
    if (v !== null) byVersion.set(v, { version: v, status: o.status, sentAt: o.sentAt });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

export interface DigestEditionChoice {
  version: number;
  /** True: that version is queued and not out yet; deliver it as composed. */
  retry: boolean;
  /** When the latest earlier version went out. */
  previousSentAt: Date | null;
}

/** Which version a send makes now (see the module comment). */
export function nextDigestEdition(versions: readonly DigestVersionState[]): DigestEditionChoice {
  const latest = versions[versions.length - 1];
  const version =
    latest === undefined
      ? 1
      : latest.status === 'sent' || latest.status === 'failed'
        ? latest.version + 1
        : latest.version;
  return {
    version,
    retry: latest !== undefined && version === latest.version,
    previousSentAt: sentBefore(versions, version),
  };
}

/** When the latest version before `version` went out, or null. */
export function sentBefore(versions: readonly DigestVersionState[], version: number): Date | null {
  let at: Date | null = null;
  for (const v of versions) {
    if (v.version < version && v.status === 'sent' && v.sentAt) at = v.sentAt;
  }
  return at;
}

/**
 * How much an attached container (.zip, .7z, .rar, winmail.dat) may hold before the opener refuses
 * it: entries, sizes, compression ratio, nesting, and the time and memory of the archive tool.
 * One place for every number; callers override any of them.
 */

export interface ContainerLimits {
  /** Entries listed in one container (directories included): more is ARCHIVE_TOO_LARGE, unread. */
  maxEntries: number;
  /** Bytes of one entry once unpacked: a larger entry is skipped (ARCHIVE_TOO_LARGE). */
  maxEntryBytes: number;
  /** Bytes unpacked from a container and the one level of containers inside it, all together. */
  maxTotalBytes: number;
  /** Unpacked/packed ratio allowed for entries larger than `ratioAppliesAbove` (zip bombs). */
  maxRatio: number;
  ratioAppliesAbove: number;
  /**
   * Containers opened inside the attached one: 1 opens an archive inside the archive; one inside
   * that is reported as ARCHIVE_NESTED_TOO_DEEP.
   */
  maxNesting: number;
  /** Wall-clock limit of one run of the archive tool (listing or extraction). */
  toolTimeoutMs: number;
  /** Address-space limit of the archive tool (prlimit --as). */
  toolMemoryBytes: number;
}

export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = {
  maxEntries: 1000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxRatio: 200,
  ratioAppliesAbove: 1024 * 1024,
  maxNesting: 1,
  toolTimeoutMs: 20_000,
  toolMemoryBytes: 1024 * 1024 * 1024,
};

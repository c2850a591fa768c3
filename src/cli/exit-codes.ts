/** Exit codes of the `duban` CLI (documented in the README). */
export const EXIT = {
  OK: 0,
  /** Bad usage, or an invalid / missing schedule. */
  USAGE: 1,
  /** The input (a sheet) could not be read; the JSON output still says why. */
  UNREADABLE: 2,
  /** A service duban needs (the database) is unavailable. */
  UNAVAILABLE: 69,
  /** An unexpected internal error (a bug): please report it with the log. */
  INTERNAL: 70,
} as const;

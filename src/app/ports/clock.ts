/** The time, as the use cases see it: injected, so tests and the demo can fix or move it. */
export interface Clock {
  now(): Date;
}

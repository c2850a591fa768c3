/**
 * The Monday digest: built from the week reads (./build.ts), in versions (./editions.ts), sent
 * to its audiences through the outbox (./send.ts).
 */
export * from './build';
export * from './editions';
export * from './send';
export { digestKey } from '../../domain/mail-key';

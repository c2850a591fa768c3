/**
 * Singleton roles: a Redis lease with a fencing token (lease.ts), one connection for a process's
 * leases (leases.ts), and running a role only while its lease is held (leased-role.ts).
 */
export { RoleLease, type Held } from './lease';
export { Leases, type LeaseSettings } from './leases';
export {
  LeasedRole,
  type LeaseHandle,
  type LeasedRoleOptions,
  type RoleFences,
  type StartRole,
} from './leased-role';

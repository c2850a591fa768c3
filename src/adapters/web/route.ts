/**
 * The console's routes, declared as data: every route says who may use it, so the server applies
 * sign-in, roles and CSRF in one place (server.ts) and the security tests walk the same list (a new
 * route cannot be forgotten).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * - `operator`: no sign-in and no data (/healthz, /readyz, /metrics);
 * - `public`: no sign-in (the login pages);
 * - `leader`: anyone signed in (convenors, chief convenor: read-only pages);
 * - `office`: office members (every action);
 * - `admin`: office members marked `admin: true` (the operator's pages).
 */
export type Access = 'operator' | 'public' | 'leader' | 'office' | 'admin';

export type ViewerRole = 'leader' | 'office' | 'admin';

/** Who is signed in: a person the schedule lists. */
export interface Viewer {
  email: string;
  /** The role name the schedule gives (e.g. 联合会议办公室), never a personal name. */
  name: string;
  role: ViewerRole;
}

export interface PageContext {
  /** Null only on `operator` and `public` routes. */
  viewer: Viewer | null;
  /** The session's CSRF token, for forms (every POST must carry it as `_csrf`). */
  csrfToken: string | null;
  now: Date;
}

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** Fastify path syntax, e.g. '/units/:id'. */
  url: string;
  access: Access;
  /**
   * Returns the response body (an HTML page from layout(), JSON, a Buffer) or sends it through
   * `reply` itself (downloads, redirects) and returns `reply`.
   */
  handler(req: FastifyRequest, reply: FastifyReply, ctx: PageContext): Promise<unknown>;
}

const RANK: Record<ViewerRole, number> = { leader: 1, office: 2, admin: 3 };

/** Whether a viewer may use a route of the given access (operator/public: everyone). */
export function allowed(access: Access, viewer: Viewer | null): boolean {
  if (access === 'operator' || access === 'public') return true;
  if (!viewer) return false;
  return RANK[viewer.role] >= RANK[access];
}

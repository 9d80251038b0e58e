import '../http/augment.ts';
import type { Request } from 'express';
import type { SearchContext } from './service.ts';

/** Who is asking, as plugins' search filters see it: the signed-in user's id and role, or null. */
export function searchUser(req: Request): SearchContext['user'] {
  return req.user ? { id: req.user.id, role: req.user.role } : null;
}

/** The context a request's search runs in: its user and where the search comes from (`page`, `api`, `sector`…). */
export function searchContextOf(req: Request, source: string): SearchContext {
  return { user: searchUser(req), source };
}

import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../store/index.ts';

/** Route-level role check, behind the access gate: 401 without a user, 403 with the wrong role. */
export function requireRole(...allowed: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(Object.assign(new Error('Unauthorized'), { status: 401 }));
    if (!allowed.includes(req.user.role)) return next(Object.assign(new Error('Forbidden'), { status: 403 }));
    next();
  };
}

import type { PublicUser } from '../auth/users.ts';
import 'passport';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends PublicUser {}
    interface Request {
      /** This request's id (core/http/request-log.ts), also sent as X-Request-Id. */
      id: string;
    }
  }
}

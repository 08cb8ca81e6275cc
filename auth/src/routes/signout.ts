// Types req.session: cookie-session runs in the app createServiceApp builds.
/// <reference types="cookie-session" />
import { type Request, type Response, Router } from 'express';

/** `POST /api/users/signout`: clears the session cookie. */
export function signoutRouter(): Router {
  const router = Router();
  router.post('/api/users/signout', (req: Request, res: Response) => {
    req.session = null;
    res.status(200).json({});
  });
  return router;
}

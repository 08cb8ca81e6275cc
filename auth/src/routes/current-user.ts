import { type Request, type Response, Router } from 'express';

/** `GET /api/users/currentuser`: who the session cookie says you are, or null. */
export function currentUserRouter(): Router {
  const router = Router();
  router.get('/api/users/currentuser', (req: Request, res: Response) => {
    res.status(200).json({ currentUser: req.currentUser ?? null });
  });
  return router;
}

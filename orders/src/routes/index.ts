import { requireAuth } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { Order } from '../models/order';
import { signedInUser } from './signed-in-user';

/** `GET /api/orders`: the signed-in user's orders, oldest first, each with its ticket. */
export function indexOrderRouter(): Router {
  const router = Router();
  router.get('/api/orders', requireAuth, async (req: Request, res: Response) => {
    const orders = await Order.find({ userId: signedInUser(req).id })
      .sort({ _id: 1 })
      .populate('ticket');
    res.json(orders);
  });
  return router;
}

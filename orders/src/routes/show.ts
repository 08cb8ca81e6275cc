import { NotAuthorizedError, NotFoundError, requireAuth, validateRequest } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { matchedData } from 'express-validator';
import { Order } from '../models/order';
import { signedInUser } from './signed-in-user';
import { orderIdRule } from './validation';

/** `GET /api/orders/:id`: one of the signed-in user's orders, with its ticket. */
export function showOrderRouter(): Router {
  const router = Router();
  router.get(
    '/api/orders/:id',
    requireAuth,
    orderIdRule(),
    validateRequest,
    async (req: Request, res: Response) => {
      const { id } = matchedData<{ id: string }>(req);
      const order = await Order.findById(id).populate('ticket');
      if (!order) throw new NotFoundError();
      if (order.userId !== signedInUser(req).id) throw new NotAuthorizedError();
      res.json(order);
    },
  );
  return router;
}

import {
  NotAuthorizedError,
  NotFoundError,
  requireAuth,
  validateRequest,
  withTransaction,
} from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { matchedData } from 'express-validator';
import mongoose from 'mongoose';
import { orderEvents } from '../events/publishers/order-events';
import { Order } from '../models/order';
import { signedInUser } from './signed-in-user';
import { orderIdRule } from './validation';

/**
 * `DELETE /api/orders/:id`: the owner cancels an order that is still `created` or
 * `awaiting:payment`; 204 without a body; records order.cancelled.
 */
export function deleteOrderRouter(): Router {
  const router = Router();
  router.delete(
    '/api/orders/:id',
    requireAuth,
    orderIdRule(),
    validateRequest,
    async (req: Request, res: Response) => {
      const { id } = matchedData<{ id: string }>(req);
      const userId = signedInUser(req).id;
      // Read, check and write in one transaction: an expiration or a second cancel
      // committed meanwhile makes this one conflict and re-run, and then cancel() refuses.
      await withTransaction(mongoose.connection, async (session) => {
        const order = await Order.findById(id).session(session);
        if (!order) throw new NotFoundError();
        if (order.userId !== userId) throw new NotAuthorizedError();
        order.cancel();
        await order.save({ session });
        await orderEvents.cancelled(session, order);
      });
      res.status(204).end();
    },
  );
  return router;
}

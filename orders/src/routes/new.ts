import {
  BadRequestError,
  NotFoundError,
  OrderStatus,
  requireAuth,
  validateRequest,
  withTransaction,
} from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { matchedData } from 'express-validator';
import mongoose from 'mongoose';
import { orderEvents } from '../events/publishers/order-events';
import { Order } from '../models/order';
import { Ticket } from '../models/ticket';
import { signedInUser } from './signed-in-user';
import { ticketIdRule } from './validation';

const ALREADY_RESERVED = 'Ticket is already reserved';

/** MongoDB's code for a write that collided with another transaction's. */
const WRITE_CONFLICT = 112;

function isWriteConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === WRITE_CONFLICT;
}

/**
 * `POST /api/orders`: reserves a free ticket for the signed-in user for
 * `expirationWindowSeconds`; records order.created.
 */
export function createOrderRouter(options: { expirationWindowSeconds: number }): Router {
  const router = Router();
  router.post(
    '/api/orders',
    requireAuth,
    ticketIdRule(),
    validateRequest,
    async (req: Request, res: Response) => {
      const { ticketId } = matchedData<{ ticketId: string }>(req);
      const userId = signedInUser(req).id;
      const order = await reserve(ticketId, userId, options.expirationWindowSeconds).catch(
        (err: unknown) => {
          // The driver re-runs a conflicting transaction until its time limit; one that
          // still conflicts lost to other buyers of the same ticket.
          if (isWriteConflict(err))
            throw new BadRequestError(ALREADY_RESERVED, undefined, { cause: err });
          throw err;
        },
      );
      res.status(201).json(order);
    },
  );
  return router;
}

/**
 * Check and reservation in one transaction that also writes the ticket replica: two
 * buyers of one ticket then write the same document, so under snapshot isolation one
 * of them conflicts and re-runs, and its re-run sees the other's order and refuses.
 * Reading "no open order" and inserting one would not be enough: two transactions
 * that write different documents both commit (write skew).
 */
function reserve(ticketId: string, userId: string, expirationWindowSeconds: number) {
  return withTransaction(mongoose.connection, async (session) => {
    const ticket = await Ticket.findById(ticketId).session(session);
    if (!ticket) throw new NotFoundError();
    await ticket.claimForReservation(session);
    if (await ticket.isReserved(session)) throw new BadRequestError(ALREADY_RESERVED);

    const expiresAt = new Date(Date.now() + expirationWindowSeconds * 1000);
    const order = Order.build({ userId, status: OrderStatus.Created, expiresAt, ticket });
    await order.save({ session });
    await orderEvents.created(session, order, ticket);
    return order;
  });
}

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
import { ticketEvents } from '../events/publishers/ticket-events';
import { Ticket } from '../models/ticket';
import { signedInUser } from './signed-in-user';
import { priceRule, ticketIdRule, titleRule } from './validation';

/** `PUT /api/tickets/:id`: the owner edits a free ticket; records ticket.updated. */
export function updateTicketRouter(): Router {
  const router = Router();
  router.put(
    '/api/tickets/:id',
    requireAuth,
    ticketIdRule(),
    titleRule(),
    priceRule(),
    validateRequest,
    async (req: Request<{ id: string }>, res: Response) => {
      const { id, title, price } = matchedData<{ id: string; title: string; price: number }>(req);
      const userId = signedInUser(req).id;
      // Read, check and write in one transaction: a reservation committed meanwhile
      // makes this one conflict and re-run, and then the reserved rule refuses it.
      const ticket = await withTransaction(mongoose.connection, async (session) => {
        const found = await Ticket.findById(id).session(session);
        if (!found) throw new NotFoundError();
        if (found.userId !== userId) throw new NotAuthorizedError();
        found.edit({ title, price });
        await found.save({ session });
        await ticketEvents.updated(session, found);
        return found;
      });
      res.json(ticket);
    },
  );
  return router;
}

import { requireAuth, validateRequest, withTransaction } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { matchedData } from 'express-validator';
import mongoose from 'mongoose';
import { ticketEvents } from '../events/publishers/ticket-events';
import { Ticket } from '../models/ticket';
import { signedInUser } from './signed-in-user';
import { priceRule, titleRule } from './validation';

/** `POST /api/tickets`: lists a ticket for the signed-in user; records ticket.created. */
export function createTicketRouter(): Router {
  const router = Router();
  router.post(
    '/api/tickets',
    requireAuth,
    titleRule(),
    priceRule(),
    validateRequest,
    async (req: Request, res: Response) => {
      const { title, price } = matchedData<{ title: string; price: number }>(req);
      const userId = signedInUser(req).id;
      const ticket = await withTransaction(mongoose.connection, async (session) => {
        const created = Ticket.build({ title, price, userId });
        await created.save({ session });
        await ticketEvents.created(session, created);
        return created;
      });
      res.status(201).json(ticket);
    },
  );
  return router;
}

import { NotFoundError, validateRequest } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { Ticket } from '../models/ticket';
import { ticketIdRule } from './validation';

/** `GET /api/tickets/:id`: one ticket, for anyone. */
export function showTicketRouter(): Router {
  const router = Router();
  router.get(
    '/api/tickets/:id',
    ticketIdRule(),
    validateRequest,
    async (req: Request<{ id: string }>, res: Response) => {
      const ticket = await Ticket.findById(req.params.id);
      if (!ticket) throw new NotFoundError();
      res.json(ticket);
    },
  );
  return router;
}

import { type Request, type Response, Router } from 'express';
import { Ticket } from '../models/ticket';

/** `GET /api/tickets`: every ticket, oldest first (as the course: no filter, no paging). */
export function indexTicketRouter(): Router {
  const router = Router();
  router.get('/api/tickets', async (_req: Request, res: Response) => {
    const tickets = await Ticket.find({}).sort({ _id: 1 });
    res.json(tickets);
  });
  return router;
}

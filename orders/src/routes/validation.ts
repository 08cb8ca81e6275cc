import { body, param } from 'express-validator';

/** `ticketId` in the body must be an ObjectId string: anything else is a 400 on field `ticketId`. */
export function ticketIdRule() {
  return body('ticketId')
    .isString()
    .withMessage('TicketId must be provided')
    .bail()
    .trim()
    .isMongoId()
    .withMessage('TicketId must be provided');
}

/** `:id` must be an ObjectId: anything else is a 400 on field `id`, never a cast error. */
export function orderIdRule() {
  return param('id').isMongoId().withMessage('Order id must be a valid id');
}

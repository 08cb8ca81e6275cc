import { body, param } from 'express-validator';
import { PRICE_MAX, TITLE_MAX_LENGTH } from '../models/ticket';

const TITLE_REQUIRED = 'Title is required';
const PRICE_POSITIVE = 'Price must be greater than 0';

/** A non-empty string once trimmed, at most {@link TITLE_MAX_LENGTH} characters. */
export function titleRule() {
  return body('title')
    .isString()
    .withMessage(TITLE_REQUIRED)
    .bail()
    .trim()
    .notEmpty()
    .withMessage(TITLE_REQUIRED)
    .bail()
    .isLength({ max: TITLE_MAX_LENGTH })
    .withMessage(`Title must be at most ${TITLE_MAX_LENGTH} characters`);
}

/** Whole currency units with at most two decimals (cents), bounded by {@link PRICE_MAX}. */
export function priceRule() {
  return (
    body('price')
      // A JSON number, or a numeric string as the course's clients send from forms;
      // arrays, booleans and objects are refused before any coercion.
      .custom((value: unknown) => typeof value === 'number' || typeof value === 'string')
      .withMessage(PRICE_POSITIVE)
      .bail()
      .isFloat({ gt: 0 })
      .withMessage(PRICE_POSITIVE)
      .bail()
      .toFloat()
      .custom((price: number) => price <= PRICE_MAX)
      .withMessage(`Price must be at most ${PRICE_MAX}`)
      .bail()
      // Exact for every price in range: both sides round to the same nearest double.
      .custom((price: number) => Math.round(price * 100) / 100 === price)
      .withMessage('Price must have at most 2 decimal places')
  );
}

/** `:id` must be an ObjectId: anything else is a 400 on field `id`, never a cast error. */
export function ticketIdRule() {
  return param('id').isMongoId().withMessage('Ticket id must be a valid id');
}

import { body } from 'express-validator';

/** An email is a string that is a valid address once trimmed; it is stored lower-cased. */
export function emailRule() {
  const message = 'Email must be valid';
  return body('email')
    .isString()
    .withMessage(message)
    .bail()
    .trim()
    .isEmail()
    .withMessage(message)
    .bail()
    .toLowerCase();
}

// Types req.session: cookie-session runs in the app createServiceApp builds.
/// <reference types="cookie-session" />
import { BadRequestError, signSessionJwt, validateRequest } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { body, matchedData } from 'express-validator';
import { isDuplicateKeyError, User } from '../models/user';
import { emailRule } from './validation';

const PASSWORD_MESSAGE = 'Password must be between 4 and 20 characters';

/** `POST /api/users/signup`: creates the user and signs them in. */
export function signupRouter(options: { jwtKey: string; jwtExpiresInSeconds: number }): Router {
  const router = Router();
  router.post(
    '/api/users/signup',
    emailRule(),
    body('password')
      .isString()
      .withMessage(PASSWORD_MESSAGE)
      .bail()
      .trim()
      .isLength({ min: 4, max: 20 })
      .withMessage(PASSWORD_MESSAGE),
    validateRequest,
    async (req: Request, res: Response) => {
      const { email, password } = matchedData<{ email: string; password: string }>(req);
      if (await User.exists({ email })) {
        throw new BadRequestError('Email in use', 'email');
      }
      const user = User.build({ email, password });
      try {
        await user.save();
      } catch (error) {
        // Two signups raced past the check above; the unique index let only one in.
        if (isDuplicateKeyError(error)) {
          throw new BadRequestError('Email in use', 'email', { cause: error });
        }
        throw error;
      }
      req.session = {
        jwt: signSessionJwt(
          { id: user.id, email: user.email },
          options.jwtKey,
          options.jwtExpiresInSeconds,
        ),
      };
      res.status(201).json(user);
    },
  );
  return router;
}

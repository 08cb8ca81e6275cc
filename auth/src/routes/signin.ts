// Types req.session: cookie-session runs in the app createServiceApp builds.
/// <reference types="cookie-session" />
import { BadRequestError, signSessionJwt, validateRequest } from '@ticketing/common';
import { type Request, type Response, Router } from 'express';
import { body, matchedData } from 'express-validator';
import { User } from '../models/user';
import { dummyPasswordHash, Password } from '../services/password';
import { emailRule } from './validation';

const PASSWORD_MESSAGE = 'You must supply a password';

/** `POST /api/users/signin`: one answer for an unknown email and a wrong password. */
export function signinRouter(options: { jwtKey: string; jwtExpiresInSeconds: number }): Router {
  const router = Router();
  router.post(
    '/api/users/signin',
    emailRule(),
    body('password')
      .isString()
      .withMessage(PASSWORD_MESSAGE)
      .bail()
      .trim()
      .notEmpty()
      .withMessage(PASSWORD_MESSAGE),
    validateRequest,
    async (req: Request, res: Response) => {
      const { email, password } = matchedData<{ email: string; password: string }>(req);
      const user = await User.findOne({ email });
      // An unknown email still pays for one scrypt, so timing does not reveal who has an account.
      const storedHash = user?.password ?? (await dummyPasswordHash());
      const matches = await Password.compare(storedHash, password);
      if (user === null || !matches) {
        throw new BadRequestError('Invalid credentials');
      }
      req.session = {
        jwt: signSessionJwt(
          { id: user.id, email: user.email },
          options.jwtKey,
          options.jwtExpiresInSeconds,
        ),
      };
      res.status(200).json(user);
    },
  );
  return router;
}

export { currentUser } from './current-user';
export { createErrorHandler, type ErrorHandlerOptions, errorHandler } from './error-handler';
export { notFoundHandler } from './not-found-handler';
export { requireAuth } from './require-auth';
export { signSessionJwt, type UserPayload } from './session-jwt';
export { validateRequest } from './validate-request';

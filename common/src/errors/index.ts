export { BadRequestError } from './bad-request-error';
export { CustomError, type ErrorResponseBody, type SerializedError } from './custom-error';
export { DatabaseConnectionError } from './database-connection-error';
export { NotAuthorizedError } from './not-authorized-error';
export { NotFoundError } from './not-found-error';
export { RequestValidationError } from './request-validation-error';

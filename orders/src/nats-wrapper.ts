import { MessagingWrapper } from '@ticketing/common';

/** The service's one broker connection: connected in index.ts, mocked in route tests. */
export const natsWrapper = new MessagingWrapper();

import { mockMessagingWrapper } from '@ticketing/test-helpers';

// jest's manual mock of ../nats-wrapper: publishes and subscriptions succeed, no network.
export const natsWrapper = mockMessagingWrapper();

import type { MessagingClient, MessagingWrapper } from '@ticketing/common';

// jest's manual mock of ../nats-wrapper: a client that accepts every publish and
// subscription and never opens a connection. Routes publish through the outbox, so a
// test can assert this client was *not* called.
const client: jest.Mocked<MessagingClient> = {
  transport: 'jetstream',
  publish: jest.fn<ReturnType<MessagingClient['publish']>, Parameters<MessagingClient['publish']>>(
    async () => undefined,
  ),
  subscribe: jest.fn<
    ReturnType<MessagingClient['subscribe']>,
    Parameters<MessagingClient['subscribe']>
  >(async () => ({ close: async () => undefined })),
  onStatus: jest.fn<
    ReturnType<MessagingClient['onStatus']>,
    Parameters<MessagingClient['onStatus']>
  >(() => () => undefined),
  isConnected: jest.fn(() => true),
  drain: jest.fn(async () => undefined),
  close: jest.fn(async () => undefined),
};

export const natsWrapper: Pick<MessagingWrapper, 'client' | 'close'> & {
  client: jest.Mocked<MessagingClient>;
  isConnected: jest.Mock<boolean, []>;
} = {
  client,
  isConnected: jest.fn(() => true),
  close: jest.fn(async () => undefined),
};

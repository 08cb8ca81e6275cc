import type { MessagingClient, MessagingWrapper } from '@ticketing/common';

/** What {@link mockMessagingWrapper} returns: the parts of a `MessagingWrapper` services use, as jest mocks. */
export type MockMessagingWrapper = Pick<MessagingWrapper, 'client' | 'close'> & {
  client: jest.Mocked<MessagingClient>;
  isConnected: jest.Mock<boolean, []>;
  close: jest.Mock<Promise<void>, []>;
};

type Method = Exclude<keyof MessagingClient, 'transport'>;

function mockOf<K extends Method>(
  implementation: (...args: Parameters<MessagingClient[K]>) => ReturnType<MessagingClient[K]>,
): jest.Mock<ReturnType<MessagingClient[K]>, Parameters<MessagingClient[K]>> {
  return jest.fn<ReturnType<MessagingClient[K]>, Parameters<MessagingClient[K]>>(implementation);
}

/**
 * A stand-in for a service's `natsWrapper`, for its jest manual mock
 * (`src/__mocks__/nats-wrapper.ts`: `export const natsWrapper = mockMessagingWrapper();`).
 * Its client accepts every publish and subscription, reports itself connected, and
 * never opens a connection; every method is a `jest.fn` to assert on or override.
 * Call it inside jest (it uses the `jest` global).
 */
export function mockMessagingWrapper(): MockMessagingWrapper {
  const client: jest.Mocked<MessagingClient> = {
    transport: 'jetstream',
    publish: mockOf<'publish'>(async () => undefined),
    subscribe: mockOf<'subscribe'>(async () => ({ close: async () => undefined })),
    onStatus: mockOf<'onStatus'>(() => () => undefined),
    isConnected: mockOf<'isConnected'>(() => true),
    drain: mockOf<'drain'>(async () => undefined),
    close: mockOf<'close'>(async () => undefined),
  };
  return {
    client,
    isConnected: jest.fn(() => true),
    close: jest.fn(async () => undefined),
  };
}

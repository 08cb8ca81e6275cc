import type { MessagingClient } from '@ticketing/common';

// Manual mock of ../nats-wrapper (jest.mock('../nats-wrapper')): publishes resolve at
// once and are recorded, subscriptions are accepted, nothing touches a network.
type Methods = Omit<MessagingClient, 'transport'>;
type MockOf<K extends keyof Methods> = jest.Mock<ReturnType<Methods[K]>, Parameters<Methods[K]>>;

function mockOf<K extends keyof Methods>(
  implementation: (...args: Parameters<Methods[K]>) => ReturnType<Methods[K]>,
): MockOf<K> {
  return jest.fn<ReturnType<Methods[K]>, Parameters<Methods[K]>>(implementation);
}

const client: { transport: 'jetstream' } & { [K in keyof Methods]: MockOf<K> } = {
  transport: 'jetstream',
  publish: mockOf<'publish'>(async () => undefined),
  subscribe: mockOf<'subscribe'>(async () => ({ close: async () => undefined })),
  onStatus: mockOf<'onStatus'>(() => () => undefined),
  isConnected: mockOf<'isConnected'>(() => true),
  drain: mockOf<'drain'>(async () => undefined),
  close: mockOf<'close'>(async () => undefined),
};

export const natsWrapper = {
  client,
  isConnected: mockOf<'isConnected'>(() => true),
  close: mockOf<'close'>(async () => undefined),
};

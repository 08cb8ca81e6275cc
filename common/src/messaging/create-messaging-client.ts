import type { Logger } from 'pino';
import { JetStreamMessagingClient } from './jetstream-client';
import type { MessagingClient } from './messaging-client';
import type { MessagingConfig } from './messaging-config';
import { silentLogger } from './silent-logger';
import { type StanConnect, StanMessagingClient } from './stan-client';

/** Options for {@link createMessagingClient}. */
export interface CreateMessagingClientOptions {
  logger?: Logger;
  /** NATS Streaming only: replaces node-nats-streaming's `connect` (tests pass a fake). */
  stanConnect?: StanConnect;
}

/** Connects the transport the config names; rejects with a clear message when the broker can't be reached. */
export async function createMessagingClient(
  config: MessagingConfig,
  options: CreateMessagingClientOptions = {},
): Promise<MessagingClient> {
  const logger = (options.logger ?? silentLogger).child({ transport: config.transport });
  switch (config.transport) {
    case 'jetstream':
      return JetStreamMessagingClient.connect(config, { logger });
    case 'stan':
      return StanMessagingClient.connect(config, {
        logger,
        ...(options.stanConnect ? { connect: options.stanConnect } : {}),
      });
  }
}

import {
  type CreateMessagingClientOptions,
  createMessagingClient,
} from './create-messaging-client';
import type { MessagingClient } from './messaging-client';
import type { MessagingConfig } from './messaging-config';

/**
 * A service's one messaging connection (the course's `natsWrapper`). Each service
 * exports one instance from `nats-wrapper.ts`, connects it at start-up and closes it
 * on shutdown; route tests mock that module.
 */
export class MessagingWrapper {
  private current: MessagingClient | undefined;

  /** The connected client; throws before {@link connect} has resolved. */
  get client(): MessagingClient {
    if (!this.current) throw new Error('Cannot access the messaging client before connecting');
    return this.current;
  }

  /** True once connected and while the broker connection is up. */
  isConnected(): boolean {
    return this.current?.isConnected() ?? false;
  }

  /**
   * Connects the configured transport; connecting twice is an error. Connection status
   * changes (disconnect, reconnect) are logged through `options.logger`.
   */
  async connect(
    config: MessagingConfig,
    options: CreateMessagingClientOptions = {},
  ): Promise<MessagingClient> {
    if (this.current) throw new Error('The messaging client is already connected');
    const client = await createMessagingClient(config, options);
    this.current = client;
    options.logger?.info({ transport: config.transport }, 'messaging: connected');
    return client;
  }

  /** Stops every listener (waiting for messages in flight), drains and closes the connection. */
  async close(): Promise<void> {
    const client = this.current;
    if (!client) return;
    await client.drain();
    this.current = undefined;
  }
}

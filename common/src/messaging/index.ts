export {
  type CreateMessagingClientOptions,
  createMessagingClient,
} from './create-messaging-client';
export type { EventMessage } from './event-message';
export { durableName, streamSubjects } from './jetstream-client';
export { DeadLetterHeaders, Listener, type ListenerOptions } from './listener';
export {
  type ConnectionStatus,
  deadLetterSubject,
  type IncomingMessage,
  type MessageHandler,
  type MessagingClient,
  PublishError,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
} from './messaging-client';
export type { JetStreamConfig, MessagingConfig, StanConfig } from './messaging-config';
export {
  type MessagingEnv,
  messagingEnvSchema,
  refineMessagingEnv,
  toMessagingConfig,
} from './messaging-env-schema';
export { MessagingWrapper } from './messaging-wrapper';
export { type PublishEventOptions, Publisher, type PublisherOptions } from './publisher';
export type {
  StanConnect,
  StanConnectionLike,
  StanConnectOptions,
  StanMessageLike,
  StanSubscriptionLike,
  StanSubscriptionOptionsLike,
} from './stan-client';

/** Settings every transport shares. */
interface CommonMessagingConfig {
  /** Broker URL(s), e.g. `nats://nats-srv:4222`. */
  url: string | readonly string[];
  /** Client id for logs and the broker's connection list (STAN: required, unique per replica). */
  clientId?: string;
  /** How long the first connection may take, in milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** How long a publish waits for the broker to confirm storage, in milliseconds (default 5000). */
  publishTimeoutMs?: number;
}

/** NATS JetStream (the default transport). */
export interface JetStreamConfig extends CommonMessagingConfig {
  transport: 'jetstream';
  /** The stream holding every event subject (default `TICKETING`). */
  streamName?: string;
  /** How long the broker remembers event ids to drop repeats, in milliseconds (default 2 minutes). */
  duplicateWindowMs?: number;
}

/** NATS Streaming (end-of-life upstream; for clusters that still run it). */
export interface StanConfig extends CommonMessagingConfig {
  transport: 'stan';
  /** The streaming server's cluster id (`-cid`). */
  clusterId: string;
  /** Unique per connected replica (the pod name). */
  clientId: string;
}

/** Parsed messaging settings; services build it from their own config, common never reads env. */
export type MessagingConfig = JetStreamConfig | StanConfig;

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
export const DEFAULT_STREAM_NAME = 'TICKETING';
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

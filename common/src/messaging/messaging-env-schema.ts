import { z } from 'zod';
import { missingKeyIssue } from '../service/parse-config';
import type { MessagingConfig } from './messaging-config';

/**
 * The broker keys of a service's environment, to spread into its config schema
 * (`z.object({ ...messagingEnvSchema.shape, ... })`). Pair it with
 * {@link refineMessagingEnv} and map the result with {@link toMessagingConfig}.
 * - `NATS_URL`: `nats://` or `tls://`, required.
 * - `NATS_TRANSPORT`: `jetstream` (default) or `stan`.
 * - `NATS_CLIENT_ID`: the pod name in Kubernetes; required for `stan`.
 * - `NATS_CLUSTER_ID`: the streaming server's `-cid`; required for `stan`.
 */
export const messagingEnvSchema = z.object({
  NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must start with nats:// or tls://'),
  NATS_TRANSPORT: z.enum(['jetstream', 'stan']).default('jetstream'),
  // Unique per replica (the pod name), which NATS Streaming requires.
  NATS_CLIENT_ID: z.string().optional(),
  NATS_CLUSTER_ID: z.string().optional(),
});

/** The parsed broker keys, as {@link refineMessagingEnv} and {@link toMessagingConfig} read them. */
export interface MessagingEnv {
  NATS_URL: string;
  NATS_TRANSPORT: 'jetstream' | 'stan';
  NATS_CLIENT_ID?: string | undefined;
  NATS_CLUSTER_ID?: string | undefined;
}

/**
 * The rule a zod object cannot state per key: with `NATS_TRANSPORT=stan`, both
 * `NATS_CLUSTER_ID` and `NATS_CLIENT_ID` are required, each reported as a missing key.
 *
 * @example z.object({ ...messagingEnvSchema.shape }).superRefine(refineMessagingEnv)
 */
export function refineMessagingEnv(
  env: Pick<MessagingEnv, 'NATS_TRANSPORT' | 'NATS_CLIENT_ID' | 'NATS_CLUSTER_ID'>,
  ctx: z.RefinementCtx,
): void {
  if (env.NATS_TRANSPORT !== 'stan') return;
  for (const key of ['NATS_CLUSTER_ID', 'NATS_CLIENT_ID'] as const) {
    if (env[key] === undefined) {
      ctx.addIssue(missingKeyIssue(key, `${key} is required when NATS_TRANSPORT is stan`));
    }
  }
}

/** Maps the parsed broker keys to the {@link MessagingConfig} a `MessagingWrapper` connects with. */
export function toMessagingConfig(env: MessagingEnv): MessagingConfig {
  if (env.NATS_TRANSPORT === 'stan') {
    // refineMessagingEnv has already refused a stan config without both ids.
    return {
      transport: 'stan',
      url: env.NATS_URL,
      clusterId: env.NATS_CLUSTER_ID ?? '',
      clientId: env.NATS_CLIENT_ID ?? '',
    };
  }
  return {
    transport: 'jetstream',
    url: env.NATS_URL,
    ...(env.NATS_CLIENT_ID === undefined ? {} : { clientId: env.NATS_CLIENT_ID }),
  };
}

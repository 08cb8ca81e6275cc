import {
  createLogger,
  createProbeRouter,
  installShutdown,
  type Logger,
  listen,
} from '@ticketing/common';
import { buildApp } from './app';
import { type ExpirationConfig, loadExpirationConfig } from './config';
import { OrderCancelledListener } from './events/listeners/order-cancelled-listener';
import { OrderCreatedListener } from './events/listeners/order-created-listener';
import { ExpirationCompletePublisher } from './events/publishers/expiration-complete-publisher';
import { natsWrapper } from './nats-wrapper';
import { startExpirationProcessor } from './queues/expiration-processor';
import {
  createExpirationQueue,
  type ExpirationQueue,
  isQueueConnected,
  retryFailedExpirations,
  waitForQueueReady,
} from './queues/expiration-queue';
import { readinessChecks } from './readiness';
import { shutdownSteps } from './shutdown-steps';

const config = loadExpirationConfig();
const logger = createLogger({ service: 'expiration', level: config.logLevel });

const REDIS_CONNECT_TIMEOUT_MS = 15_000;

async function retryFailed(queue: ExpirationQueue, log: Logger, reason: string): Promise<void> {
  try {
    const retried = await retryFailedExpirations(queue);
    if (retried > 0) log.info({ retried, reason }, 'failed expiration jobs retried');
  } catch (err) {
    log.warn({ err, reason }, 'could not retry failed expiration jobs');
  }
}

async function start(settings: ExpirationConfig): Promise<void> {
  let subscribed = false;
  const queue = createExpirationQueue(settings.redis);
  // Without a listener an ioredis error (Redis down) would be an uncaught 'error' event.
  queue.on('error', (err: Error) => logger.error({ err, component: 'redis' }, 'queue error'));
  const probes = createProbeRouter({
    checks: readinessChecks({
      redisConnected: () => isQueueConnected(queue),
      messaging: natsWrapper,
      listenersSubscribed: () => subscribed,
    }),
  });

  await waitForQueueReady(queue, REDIS_CONNECT_TIMEOUT_MS);
  logger.info({ queue: queue.name }, 'Redis connected');

  const client = await natsWrapper.connect(settings.messaging, { logger });
  startExpirationProcessor(queue, {
    publisher: new ExpirationCompletePublisher(client, { logger }),
    logger,
  });
  // Jobs that ran out of tries while the broker was away get another round.
  await retryFailed(queue, logger, 'start-up');
  client.onStatus((status) => {
    if (status.type === 'reconnect') void retryFailed(queue, logger, 'broker reconnected');
  });

  const listeners = [
    new OrderCreatedListener(client, queue, { logger }),
    new OrderCancelledListener(client, queue, { logger }),
  ];
  for (const listener of listeners) await listener.listen();
  subscribed = true;

  const server = await listen(buildApp({ logger, probes }), settings.port, logger);

  installShutdown({
    logger,
    server,
    probes,
    timeoutMs: settings.shutdownTimeoutMs,
    steps: shutdownSteps({ listeners, queue, messaging: natsWrapper }),
  });
}

start(config).catch((error: unknown) => {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
});

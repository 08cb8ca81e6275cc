import {
  connectMongo,
  createLogger,
  createProbeRouter,
  ensureOutboxCollections,
  installShutdown,
  listen,
  OutboxRelay,
  outboxServiceReadinessChecks,
  outboxServiceShutdownSteps,
} from '@ticketing/common';
import mongoose from 'mongoose';
import { buildApp } from './app';
import { loadTicketsConfig, type TicketsConfig } from './config';
import { OrderCancelledListener } from './events/listeners/order-cancelled-listener';
import { OrderCreatedListener } from './events/listeners/order-created-listener';
import { Ticket } from './models/ticket';
import { natsWrapper } from './nats-wrapper';

const config = loadTicketsConfig();
const logger = createLogger({ service: 'tickets', level: config.logLevel });

async function start(settings: TicketsConfig): Promise<void> {
  const { connection } = mongoose;
  let subscribed = false;
  let relay: OutboxRelay | undefined;
  const probes = createProbeRouter({
    checks: outboxServiceReadinessChecks({
      connection,
      listenersSubscribed: () => subscribed,
      messaging: natsWrapper,
      relayStatus: async () => relay?.status(),
    }),
  });

  await connectMongo(settings.mongoUri, { logger, connection });
  // Collections and indexes first: a transaction can't be relied on to create them.
  await Promise.all([Ticket.init(), ensureOutboxCollections(connection)]);

  const client = await natsWrapper.connect(settings.messaging, { logger });
  const listeners = [
    new OrderCreatedListener(client, connection, { logger }),
    new OrderCancelledListener(client, connection, { logger }),
  ];
  for (const listener of listeners) await listener.listen();
  subscribed = true;

  relay = new OutboxRelay({ connection, client: () => natsWrapper.client, logger });
  relay.start();

  const app = buildApp({ config: settings, logger, probes });
  const server = await listen(app, settings.port, logger);

  installShutdown({
    logger,
    server,
    probes,
    timeoutMs: settings.shutdownTimeoutMs,
    steps: outboxServiceShutdownSteps({ listeners, relay, messaging: natsWrapper, connection }),
  });
}

start(config).catch((error: unknown) => {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
});

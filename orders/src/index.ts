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
import { loadOrdersConfig, type OrdersConfig } from './config';
import { ExpirationCompleteListener } from './events/listeners/expiration-complete-listener';
import { TicketCreatedListener } from './events/listeners/ticket-created-listener';
import { TicketUpdatedListener } from './events/listeners/ticket-updated-listener';
import { Order } from './models/order';
import { Ticket } from './models/ticket';
import { natsWrapper } from './nats-wrapper';

const config = loadOrdersConfig();
const logger = createLogger({ service: 'orders', level: config.logLevel });

async function start(settings: OrdersConfig): Promise<void> {
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
  await Promise.all([Ticket.init(), Order.init(), ensureOutboxCollections(connection)]);

  const client = await natsWrapper.connect(settings.messaging, { logger });
  const listeners = [
    new TicketCreatedListener(client, connection, { logger }),
    new TicketUpdatedListener(client, connection, { logger }),
    new ExpirationCompleteListener(client, connection, { logger }),
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

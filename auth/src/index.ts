import {
  connectMongo,
  createLogger,
  createProbeRouter,
  installShutdown,
  listen,
  mongoReadinessCheck,
} from '@ticketing/common';
import mongoose from 'mongoose';
import { buildApp } from './app';
import { type AuthConfig, loadAuthConfig } from './config';
import { User } from './models/user';

const config = loadAuthConfig();
const logger = createLogger({ service: 'auth', level: config.logLevel });

async function start(settings: AuthConfig): Promise<void> {
  await connectMongo(settings.mongoUri, { logger, connection: mongoose.connection });
  // The unique email index must exist before the first signup, or duplicates could slip in.
  await User.init();

  const probes = createProbeRouter({
    checks: { mongo: mongoReadinessCheck(mongoose.connection) },
  });
  const app = buildApp({ config: settings, logger, probes });
  const server = await listen(app, settings.port, logger);

  installShutdown({
    logger,
    server,
    probes,
    timeoutMs: settings.shutdownTimeoutMs,
    steps: [{ name: 'close MongoDB', run: () => mongoose.connection.close() }],
  });
}

start(config).catch((error: unknown) => {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
});

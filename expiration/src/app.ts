import { createServiceApp, type Logger, type ProbeRouter } from '@ticketing/common';
import type { Express } from 'express';

/** What {@link buildApp} needs. */
export interface AppOptions {
  logger: Logger;
  probes: ProbeRouter;
}

/** Builds the expiration app: probes only, no public API; does no I/O. */
export function buildApp({ logger, probes }: AppOptions): Express {
  return createServiceApp({ logger, probes });
}

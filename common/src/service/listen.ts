import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';

/**
 * Starts `app` on `port` (0: any free port) and resolves with the listening server
 * once it accepts connections; rejects if it cannot bind (e.g. the port is taken).
 */
export function listen(app: Express, port: number, logger: Logger): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const address = server.address();
      logger.info(
        { port: typeof address === 'object' && address ? address.port : port },
        'listening',
      );
      resolve(server);
    });
  });
}

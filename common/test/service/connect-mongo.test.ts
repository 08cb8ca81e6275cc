import { startMongo } from '@ticketing/test-helpers';
import mongoose from 'mongoose';
import { connectMongo, createLogger, mongoReadinessCheck } from '../../src';
import { createLogSink } from '../http/helpers';

describe('connectMongo', () => {
  it('when the server is reachable, then the connection opens, the readiness check turns up, and closing turns it down', async () => {
    const mongo = await startMongo();
    const connection = mongoose.createConnection();
    const check = mongoReadinessCheck(connection);
    const sink = createLogSink();
    try {
      expect(await check()).toMatchObject({ status: 'down', required: true });
      const logger = createLogger({ service: 'test', destination: sink });
      const opened = await connectMongo(mongo.uri, { logger, connection });
      expect(opened).toBe(connection);
      expect(await check()).toEqual({ status: 'up', required: true, detail: 'connected' });
      await connection.close();
      expect(await check()).toMatchObject({ status: 'down', detail: 'disconnected' });
      expect(sink.lines.some((l) => l.msg === 'MongoDB connected')).toBe(true);
      const hosts = sink.lines.find((l) => l.msg === 'MongoDB connected')?.hosts;
      expect(hosts).toMatch(/^127\.0\.0\.1:\d+/);
    } finally {
      await connection.close();
      await mongo.stop();
    }
  }, 60_000);

  it('when no server answers, then it rejects, and the log names the hosts but not the credentials', async () => {
    const connection = mongoose.createConnection();
    const sink = createLogSink();
    const logger = createLogger({ service: 'test', destination: sink });
    await expect(
      connectMongo('mongodb://ada:s3cret@127.0.0.1:1,127.0.0.1:2/db?replicaSet=rs0', {
        logger,
        connection,
        serverSelectionTimeoutMS: 300,
      }),
    ).rejects.toThrow();
    await connection.close();
    const connecting = sink.lines.find((l) => l.msg === 'connecting to MongoDB');
    expect(connecting?.hosts).toBe('127.0.0.1:1,127.0.0.1:2');
    expect(JSON.stringify(sink.lines)).not.toContain('s3cret');
  });
});

import { EventEmitter } from 'node:events';
import { createLogger, installShutdown } from '@ticketing/common';
import { shutdownSteps } from './shutdown-steps';
import { deferred } from './test/helpers';

describe('shutdown', () => {
  it('when SIGTERM arrives, then listeners stop, then the queue closes (waiting for its running job), then NATS drains, and the exit code is 0', async () => {
    const calls: string[] = [];
    const runningJob = deferred();
    const targets = {
      listeners: [1, 2].map((n) => ({
        close: async () => {
          calls.push(`listener ${n} closed`);
        },
      })),
      queue: {
        close: async () => {
          calls.push('queue closing');
          await runningJob.promise;
          calls.push('queue closed');
        },
      },
      messaging: {
        close: async () => {
          calls.push('NATS drained');
        },
      },
    };
    const events = new EventEmitter();
    const exited = deferred<number>();
    installShutdown({
      logger: createLogger({ service: 'expiration', level: 'silent' }),
      steps: shutdownSteps(targets),
      timeoutMs: 10_000,
      events,
      exit: (code) => exited.resolve(code),
    });

    events.emit('SIGTERM', 'SIGTERM');
    // The queue is waiting for its job: NATS must still be up for that job's publish.
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['listener 1 closed', 'listener 2 closed', 'queue closing']);
    runningJob.resolve();

    expect(await exited.promise).toBe(0);
    expect(calls).toEqual([
      'listener 1 closed',
      'listener 2 closed',
      'queue closing',
      'queue closed',
      'NATS drained',
    ]);
  });
});

import { outboxServiceShutdownSteps } from '../../src';

describe('outboxServiceShutdownSteps', () => {
  it('when run in order, then listeners stop, then the relay, then NATS drains, then MongoDB closes', async () => {
    const done: string[] = [];
    const closing = (what: string) => ({
      close: async () => {
        done.push(what);
      },
    });
    const steps = outboxServiceShutdownSteps({
      listeners: [closing('listener a'), closing('listener b')],
      relay: {
        stop: async () => {
          done.push('relay');
        },
      },
      messaging: closing('nats'),
      connection: closing('mongo'),
    });

    for (const step of steps) await step.run();

    expect(steps.map((step) => step.name)).toEqual([
      'stop listeners',
      'stop outbox relay',
      'drain NATS',
      'close MongoDB',
    ]);
    expect(done).toEqual(['listener a', 'listener b', 'relay', 'nats', 'mongo']);
  });
});

import { EventEmitter } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger, installShutdown, type ShutdownHandle, type ShutdownStep } from '../../src';
import { createLogSink, type LogSink } from '../http/helpers';

const FATAL = 60;

interface Harness {
  events: EventEmitter;
  exits: number[];
  exited: Promise<number>;
  sink: LogSink;
  calls: string[];
  handle: ShutdownHandle;
}

function install(
  steps: ShutdownStep[],
  extra: { server?: Server; timeoutMs?: number; probes?: { markShuttingDown(): void } } = {},
): Harness {
  const events = new EventEmitter();
  const sink = createLogSink();
  const exits: number[] = [];
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const handle = installShutdown({
    logger: createLogger({ service: 'test', destination: sink }),
    steps,
    timeoutMs: extra.timeoutMs ?? 10_000,
    server: extra.server,
    probes: extra.probes,
    events,
    exit: (code) => {
      exits.push(code);
      resolveExit(code);
    },
  });
  return { events, exits, exited, sink, calls: [], handle };
}

function recordingStep(calls: string[], name: string): ShutdownStep {
  return {
    name,
    run: async () => {
      calls.push(name);
    },
  };
}

const harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.handle.uninstall();
});

describe('installShutdown', () => {
  it('when SIGTERM arrives during a keep-alive request, then the request finishes, the server stops accepting, the steps run in order and it exits 0', async () => {
    let release: () => void = () => {};
    let received: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const app = express();
    app.get('/slow', async (_req, res) => {
      received();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      res.json({ done: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;

    const calls: string[] = [];
    const marks: string[] = [];
    const h = install([recordingStep(calls, 'drain NATS'), recordingStep(calls, 'close MongoDB')], {
      server,
      probes: { markShuttingDown: () => marks.push('not ready') },
    });
    harnesses.push(h);

    const agent = new http.Agent({ keepAlive: true });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    await requestArrived;

    h.events.emit('SIGTERM', 'SIGTERM');
    expect(marks).toEqual(['not ready']);
    expect(server.listening).toBe(false);
    expect(calls).toEqual([]); // the steps wait for the request in flight
    release();

    expect(await response).toEqual({ status: 200, body: '{"done":true}' });
    expect(await h.exited).toBe(0);
    expect(calls).toEqual(['drain NATS', 'close MongoDB']);
    const stepLines = h.sink.lines.filter((l) => l.msg === 'shutdown step done');
    expect(stepLines.map((l) => l.step)).toEqual(['drain NATS', 'close MongoDB']);
    expect(h.sink.lines.some((l) => l.msg === 'shutdown started' && l.reason === 'SIGTERM')).toBe(
      true,
    );
    agent.destroy();
  });

  it('when a second signal arrives, then no second shutdown starts', async () => {
    const calls: string[] = [];
    let release: () => void = () => {};
    const h = install([
      {
        name: 'slow step',
        run: () =>
          new Promise<void>((resolve) => {
            calls.push('slow step');
            release = resolve;
          }),
      },
    ]);
    harnesses.push(h);
    h.events.emit('SIGTERM', 'SIGTERM');
    h.events.emit('SIGINT', 'SIGINT');
    await h.sink.waitFor((l) => l.msg === 'shutdown already in progress');
    release();
    expect(await h.exited).toBe(0);
    expect(calls).toEqual(['slow step']);
    expect(h.exits).toEqual([0]);
    expect(h.handle.isShuttingDown()).toBe(true);
  });

  it('when a step fails, then it is logged, the next step still runs and the exit code is 1', async () => {
    const calls: string[] = [];
    const h = install([
      {
        name: 'drain NATS',
        run: async () => {
          throw new Error('drain failed');
        },
      },
      recordingStep(calls, 'close MongoDB'),
    ]);
    harnesses.push(h);
    h.events.emit('SIGINT', 'SIGINT');
    expect(await h.exited).toBe(1);
    expect(calls).toEqual(['close MongoDB']);
    const failed = h.sink.lines.find((l) => l.msg === 'shutdown step failed');
    expect(failed?.step).toBe('drain NATS');
  });

  it('when a step hangs, then the backstop exits 1 and names the step', async () => {
    const h = install([{ name: 'hangs', run: () => new Promise<void>(() => {}) }], {
      timeoutMs: 50,
    });
    harnesses.push(h);
    h.events.emit('SIGTERM', 'SIGTERM');
    expect(await h.exited).toBe(1);
    const line = h.sink.lines.find((l) => l.msg === 'shutdown timed out; exiting');
    expect(line).toMatchObject({ level: FATAL, step: 'hangs' });
  });

  it('when an exception is uncaught, then it is logged fatal with its error, the steps run and it exits 1', async () => {
    const calls: string[] = [];
    const h = install([recordingStep(calls, 'close MongoDB')]);
    harnesses.push(h);
    h.events.emit('uncaughtException', new Error('boom'));
    expect(await h.exited).toBe(1);
    expect(calls).toEqual(['close MongoDB']);
    const fatal = h.sink.lines.find((l) => l.msg === 'uncaught exception');
    expect(fatal?.level).toBe(FATAL);
    expect(fatal?.err).toMatchObject({ message: 'boom', stack: expect.stringContaining('boom') });
  });

  it('when a promise rejection is unhandled, then it is logged fatal, the steps run and it exits 1', async () => {
    const calls: string[] = [];
    const h = install([recordingStep(calls, 'close MongoDB')]);
    harnesses.push(h);
    h.events.emit('unhandledRejection', new Error('nobody caught me'), Promise.resolve());
    expect(await h.exited).toBe(1);
    expect(calls).toEqual(['close MongoDB']);
    const fatal = h.sink.lines.find((l) => l.msg === 'unhandled promise rejection');
    expect(fatal?.err).toMatchObject({ message: 'nobody caught me' });
  });

  it('when uninstalled, then signals no longer start a shutdown', async () => {
    const calls: string[] = [];
    const h = install([recordingStep(calls, 'close MongoDB')]);
    h.handle.uninstall();
    h.events.emit('SIGTERM', 'SIGTERM');
    expect(h.handle.isShuttingDown()).toBe(false);
    expect(calls).toEqual([]);
  });
});

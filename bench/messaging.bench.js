// Events/s through Publisher -> JetStream -> Listener (ack), beside the raw
// @nats-io/jetstream client doing the same work (publish N with PubAck and msgID,
// consume N with ack), against a nats-server this script starts. Prints figures;
// asserts nothing. Run after `npm run build`.

const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = require('@nats-io/jetstream');
const { connect } = require('@nats-io/transport-node');
const { createMessagingClient, Listener, Publisher, Subjects } = require('../common/build');

const N = Number(process.env.BENCH_EVENTS ?? 10_000);
const ROUNDS = 3;
const IN_FLIGHT = 100;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startNats() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-nats-'));
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (c) => {
      out += c;
      if (out.includes('Server is ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited ${code}: ${out}`)));
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs `publishOne(i)` N times with at most IN_FLIGHT unconfirmed publishes. */
async function publishAll(publishOne) {
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const i = next;
      next += 1;
      await publishOne(i);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

function ticket(i) {
  return { id: `t-${i}`, version: 0, title: `bench ${i}`, price: 10, userId: 'bench' };
}

async function runBase(url, round) {
  const client = await createMessagingClient({ transport: 'jetstream', url });
  let handled = 0;
  let done;
  const allHandled = new Promise((resolve) => {
    done = resolve;
  });
  class BenchListener extends Listener {
    subject = Subjects.TicketCreated;
    queueGroupName = `bench-base-${round}`;
    onMessage(_data, msg) {
      msg.ack();
      handled += 1;
      if (handled === N) done();
    }
  }
  class BenchPublisher extends Publisher {
    subject = Subjects.TicketCreated;
  }
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge('TICKETING');
  await nc.close();

  const listener = new BenchListener(client);
  await listener.listen();
  const publisher = new BenchPublisher(client);
  const start = process.hrtime.bigint();
  await publishAll((i) => publisher.publish(ticket(i)));
  await allHandled;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await client.close();
  return N / seconds;
}

async function runRaw(url, round) {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = 'RAWBENCH';
  try {
    await jsm.streams.add({ name: stream, subjects: ['rawbench.>'], storage: 'file' });
  } catch {
    await jsm.streams.purge(stream);
  }
  const durable = `raw-${round}`;
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 5_000 * 1e6,
    max_deliver: 6,
    filter_subject: 'rawbench.ticket',
  });
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 64 });
  let handled = 0;
  const allHandled = (async () => {
    for await (const m of messages) {
      JSON.parse(m.string());
      m.ack();
      handled += 1;
      if (handled === N) break;
    }
  })();
  const start = process.hrtime.bigint();
  await publishAll((i) =>
    js.publish('rawbench.ticket', JSON.stringify(ticket(i)), { msgID: randomUUID() }),
  );
  await allHandled;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await messages.close();
  await nc.drain();
  return N / seconds;
}

async function main() {
  const nats = await startNats();
  try {
    // Warm-up creates the TICKETING stream and JIT-compiles both paths.
    const warm = await createMessagingClient({ transport: 'jetstream', url: nats.url });
    await warm.close();
    let base = 0;
    let raw = 0;
    // The order alternates so neither side always runs second on a warmer process.
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round % 2 === 0) {
        raw = Math.max(raw, await runRaw(nats.url, round));
        base = Math.max(base, await runBase(nats.url, round));
      } else {
        base = Math.max(base, await runBase(nats.url, round));
        raw = Math.max(raw, await runRaw(nats.url, round));
      }
    }
    const ratio = base / raw;
    console.log(`messaging: ${N} events, publish window ${IN_FLIGHT}, best of ${ROUNDS}`);
    console.log(`  raw @nats-io/jetstream: ${raw.toFixed(0)} events/s`);
    console.log(`  Publisher/Listener:     ${base.toFixed(0)} events/s`);
    console.log(`  ratio: ${(ratio * 100).toFixed(1)}% of raw`);
    console.log('  target: base classes >= 80% of raw');
  } finally {
    await nats.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

// Throughput of the project's MongoDB engine as the services use it: mongoose over a
// single-node replica set started by mongodb-memory-server. Prints figures only.
//
//   npm run build -w @ticketing/mongo-engine && node bench/mongo-engine.bench.js
//
// MONGO_BENCH_URI=<replica set uri> measures an existing server instead (for comparison
// with a real mongod); MONGO_BENCH_BINARY=<path> starts that mongod binary instead of the engine.

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const mongoose = require('mongoose');
const { MongoMemoryReplSet } = require('mongodb-memory-server-core');

const INSERTS = 5000;
const CONCURRENT_CALLERS = 8;
const FINDS = 5000;
const TRANSACTIONS = 500;
const TARGET_INSERTS_PER_SECOND = 5000;

const engineDir = path.resolve(__dirname, '../tools/mongo-engine');
const engineBinary = path.join(engineDir, 'bin/mongod-engine');

async function startServer() {
  if (process.env.MONGO_BENCH_URI) {
    return { uri: process.env.MONGO_BENCH_URI, label: 'external server', stop: async () => {} };
  }
  const binary = process.env.MONGO_BENCH_BINARY || engineBinary;
  if (binary === engineBinary && !fs.existsSync(path.join(engineDir, 'build/cli.js'))) {
    throw new Error('engine not built: run `npm run build -w @ticketing/mongo-engine` first');
  }
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: binary },
    replSet: { count: 1, storageEngine: 'wiredTiger' },
  });
  return {
    uri: replSet.getUri(),
    label: binary === engineBinary ? 'mongo-engine' : binary,
    stop: () => replSet.stop(),
  };
}

// Rates per fifth of the run are kept too: a falling rate shows cost growing with data size.
async function measure(count, operation) {
  const slice = Math.max(1, Math.floor(count / 5));
  const sliceRates = [];
  const started = performance.now();
  let sliceStarted = started;
  for (let i = 0; i < count; i += 1) {
    await operation(i);
    if ((i + 1) % slice === 0) {
      const now = performance.now();
      sliceRates.push(Math.round(slice / ((now - sliceStarted) / 1000)));
      sliceStarted = now;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { count, seconds, perSecond: count / seconds, sliceRates };
}

// `callers` loops run side by side over one shared counter; ops/s by fifths is left out.
async function measureConcurrent(count, callers, operation) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await operation(i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { count, seconds, perSecond: count / seconds, sliceRates: [] };
}

// What mongoose and the driver cost on their own: the same sequential Model.create against
// a server that answers every command at once and stores nothing.
async function measureClientCeiling(count) {
  const server = await startNoopServer();
  const connection = await mongoose
    .createConnection(
      `mongodb://127.0.0.1:${server.address().port}/ceiling?directConnection=true`,
      {
        autoIndex: false,
        autoCreate: false,
      },
    )
    .asPromise();
  try {
    const Model = connection.model('Ceiling', new mongoose.Schema({ sku: String, price: Number }));
    await measure(1000, (i) => Model.create({ sku: `warm-${i}`, price: i }));
    return await measure(count, (i) => Model.create({ sku: `sku-${i}`, price: i }));
  } finally {
    await connection.close();
    server.close();
  }
}

function startNoopServer() {
  const { Long, deserialize, serialize } = require('bson');
  const hello = () => ({
    ok: 1,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    minWireVersion: 0,
    maxWireVersion: 21,
    connectionId: 1,
  });
  const replyTo = (command) => {
    const name = Object.keys(command)[0];
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') return hello();
    if (name === 'insert') return { ok: 1, n: command.documents ? command.documents.length : 1 };
    if (name === 'find') return { ok: 1, cursor: { id: Long.ZERO, ns: 'x.y', firstBatch: [] } };
    return { ok: 1 };
  };
  // OP_MSG (2013) answered with OP_MSG; the legacy OP_QUERY handshake (2004) with OP_REPLY (1).
  const frame = (requestId, opCode, prefix, doc) => {
    const body = serialize(doc);
    const header = Buffer.alloc(16);
    const message = Buffer.concat([header, prefix, body]);
    message.writeInt32LE(message.length, 0);
    message.writeInt32LE(0, 4);
    message.writeInt32LE(requestId, 8);
    message.writeInt32LE(opCode, 12);
    return message;
  };
  const net = require('node:net');
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const requestId = message.readInt32LE(4);
        if (message.readInt32LE(12) === 2004) {
          const reply = Buffer.alloc(20);
          reply.writeInt32LE(1, 16); // numberReturned; flags, cursor id and start stay 0
          socket.write(frame(requestId, 1, reply, hello()));
          continue;
        }
        const command = deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
        socket.write(frame(requestId, 2013, Buffer.alloc(5), replyTo(command)));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function printTable(label, rows) {
  const header = ['benchmark', 'ops', 'seconds', 'ops/s', 'ops/s by fifths'];
  const lines = rows.map(([name, r]) => [
    name,
    String(r.count),
    r.seconds.toFixed(2),
    Math.round(r.perSecond).toString(),
    r.sliceRates.join(' '),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...lines.map((l) => l[col].length)));
  const format = (cells) =>
    cells.map((cell, col) =>
      col === 0 || col === 4 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]),
    );
  console.log(`\nmongo-engine benchmark (${label}, node ${process.version})`);
  console.log(format(header).join('  ').trimEnd());
  console.log(
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
  );
  for (const line of lines) console.log(format(line).join('  ').trimEnd());
}

async function main() {
  const server = await startServer();
  const connection = await mongoose
    .createConnection(server.uri, { dbName: `bench_${Date.now().toString(36)}` })
    .asPromise();
  try {
    const Ticket = connection.model(
      'Ticket',
      new mongoose.Schema({
        sku: { type: String, required: true, unique: true },
        title: String,
        price: Number,
      }),
    );
    const Outbox = connection.model(
      'Outbox',
      new mongoose.Schema({ subject: String, data: mongoose.Schema.Types.Mixed }),
    );
    await Ticket.init();
    await Outbox.init();

    // Warm-up so that the first figures do not carry connection set-up and JIT costs.
    await measure(1000, (i) => Outbox.create({ subject: 'warmup', data: { i } }));
    await Outbox.deleteMany({});

    const inserts = await measure(INSERTS, (i) =>
      Ticket.create({ sku: `sku-${i}`, title: `ticket ${i}`, price: i % 100 }),
    );

    // The services' tests send requests side by side, so throughput with several callers
    // (the driver's pool gives each its own connection) is the figure that matters there.
    const concurrentInserts = await measureConcurrent(INSERTS, CONCURRENT_CALLERS, (i) =>
      Ticket.create({ sku: `par-${i}`, title: `ticket ${i}`, price: i % 100 }),
    );

    const finds = await measure(FINDS, async (i) => {
      const sku = `sku-${(i * 7919) % INSERTS}`;
      const found = await Ticket.findOne({ sku });
      if (!found) throw new Error(`missing ${sku}`);
    });

    const session = await connection.startSession();
    let transactions;
    try {
      transactions = await measure(TRANSACTIONS, (i) =>
        session.withTransaction(async () => {
          await Ticket.create([{ sku: `txn-${i}`, title: 'in txn', price: 1 }], { session });
          await Outbox.create([{ subject: 'ticket.created', data: { sku: `txn-${i}` } }], {
            session,
          });
        }),
      );
    } finally {
      await session.endSession();
    }

    const ceiling = await measureClientCeiling(INSERTS);

    printTable(server.label, [
      ['inserts (Model.create, sequential)', inserts],
      [`inserts (Model.create, ${CONCURRENT_CALLERS} callers)`, concurrentInserts],
      ['  client ceiling: sequential, no-op server', ceiling],
      ['indexed finds (findOne by unique sku)', finds],
      ['transactions (withTransaction, 2 inserts)', transactions],
    ]);
    console.log(`\ntarget: >= ${TARGET_INSERTS_PER_SECOND} inserts/s`);
    console.log(
      'The ceiling row is mongoose and the driver alone, against a server that answers at once;',
    );
    console.log('sequential inserts against the engine cannot beat it on this machine.');
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

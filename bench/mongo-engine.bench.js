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
    await measure(200, (i) => Outbox.create({ subject: 'warmup', data: { i } }));
    await Outbox.deleteMany({});

    const inserts = await measure(INSERTS, (i) =>
      Ticket.create({ sku: `sku-${i}`, title: `ticket ${i}`, price: i % 100 }),
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

    printTable(server.label, [
      ['inserts (Model.create, sequential)', inserts],
      ['indexed finds (findOne by unique sku)', finds],
      ['transactions (withTransaction, 2 inserts)', transactions],
    ]);
    console.log(`\ntarget: >= ${TARGET_INSERTS_PER_SECOND} inserts/s`);
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

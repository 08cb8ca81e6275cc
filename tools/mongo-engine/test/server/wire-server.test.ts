import { Int32, Timestamp } from 'bson';
import { MongoClient, MongoServerError } from 'mongodb';
import { type RunningEngineServer, startEngineServer } from '../../src';
import { opCompressed, opMsg, opQuery, RawClient, RecordingEngine } from './support';

describe('wire server (standalone)', () => {
  let server: RunningEngineServer;
  let engine: RecordingEngine;
  let client: MongoClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    engine = new RecordingEngine();
    server = await startEngineServer({ engine, log: (line) => logLines.push(line) });
    client = await MongoClient.connect(
      `mongodb://127.0.0.1:${server.port}/?directConnection=true`,
      {
        compressors: ['zlib'],
      },
    );
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('when the driver pings, then the server answers ok', async () => {
    await expect(client.db('admin').command({ ping: 1 })).resolves.toEqual({ ok: 1 });
  });

  it('when a client asks hello (and offered compression), then it gets mongod 7.0 limits and no compression', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    });
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello).not.toHaveProperty('compression');
    expect(hello).not.toHaveProperty('setName');
    expect(hello).not.toHaveProperty('$clusterTime');
  });

  it('when the legacy spellings isMaster/ismaster are used, then both answer with ismaster', async () => {
    for (const name of ['isMaster', 'ismaster']) {
      const reply = await client.db('admin').command({ [name]: 1 });
      expect(reply.ismaster).toBe(true);
      expect(reply).not.toHaveProperty('isWritablePrimary');
    }
  });

  it('when buildInfo is asked, then it reports the claimed mongod version', async () => {
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toBe('7.0.24');
    expect(info.versionArray).toEqual([7, 0, 24, 0]);
    const lower = await client.db('test').command({ buildinfo: 1 });
    expect(lower.version).toBe('7.0.24');
  });

  it('when a command is unknown or miscased, then it fails with CommandNotFound 59', async () => {
    for (const name of ['frobnicate', 'Hello']) {
      const error = await client
        .db('test')
        .command({ [name]: 1 })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
      expect((error as MongoServerError).message).toBe(`no such command: '${name}'`);
    }
  });

  it('when the engine throws something unexpected, then the client gets InternalError and the server lives on', async () => {
    const error = await client
      .db('test')
      .command({ explode: 'x' })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 1, codeName: 'InternalError' });
    const logged = logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.attr?.error === 'engine blew up');
    expect(logged).toMatchObject({ s: 'E', c: 'COMMAND' });
    await expect(client.db('admin').command({ ping: 1 })).resolves.toEqual({ ok: 1 });
  });

  it('when the driver inserts and finds, then the documents reach the engine and come back', async () => {
    await client
      .db('shop')
      .collection('items')
      .insertMany([{ a: 1 }, { a: 2 }]);
    const found = await client.db('shop').collection('items').find().toArray();
    expect(found.map((d) => d.a)).toEqual([1, 2]);
    expect(engine.calls.some((c) => c.db === 'shop' && Object.keys(c.cmd)[0] === 'insert')).toBe(
      true,
    );
  });

  it('when an insert carries its documents in a kind-1 sequence, then the engine sees them as an array', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.write(
      opMsg(
        7,
        { insert: 'seq', $db: 'shop' },
        { sequences: { documents: [{ _id: 1 }, { _id: 2 }] } },
      ),
    );
    const [reply] = await raw.read(1);
    raw.close();
    expect(reply).toMatchObject({ responseTo: 7, opCode: 2013, doc: { n: 2, ok: 1 } });
    const call = engine.calls.find((c) => c.cmd.insert === 'seq');
    // int32 values reach the engine typed, so it can store them as int32.
    expect(call?.cmd.documents).toEqual([{ _id: new Int32(1) }, { _id: new Int32(2) }]);
    expect(call?.cmd.$db).toBe('shop');
  });

  it('when listDatabases is asked with nameOnly, then it lists only the engine database names', async () => {
    const reply = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect(reply.databases).toEqual([{ name: 'shop' }]);
    const full = await client.db('admin').command({ listDatabases: 1 });
    expect(full.databases).toEqual([{ name: 'shop', sizeOnDisk: 100, empty: false }]);
    expect(full.totalSize).toBe(100);
  });

  it('when admin introspection commands run, then they answer like mongod', async () => {
    const admin = client.db('admin');
    await expect(
      admin.command({ getParameter: 1, featureCompatibilityVersion: 1 }),
    ).resolves.toEqual({
      featureCompatibilityVersion: { version: '7.0' },
      ok: 1,
    });
    const all = await admin.command({ getParameter: '*' });
    expect(all.featureCompatibilityVersion).toEqual({ version: '7.0' });
    const opts = await admin.command({ getCmdLineOpts: 1 });
    expect(opts.parsed.net.port).toBe(server.port);
    const status = await admin.command({ serverStatus: 1 });
    expect(status).toMatchObject({ process: 'mongod', version: '7.0.24', ok: 1 });
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    const me = await admin.command({ whatsmyuri: 1 });
    expect(me.you).toMatch(/^127\.0\.0\.1:\d+$/);
    const log = await admin.command({ getLog: 'global' });
    expect(log.log.some((line: string) => line.includes('Waiting for connections'))).toBe(true);
    await expect(admin.command({ hostInfo: 1 })).resolves.toMatchObject({ ok: 1 });
    await expect(admin.command({ connectionStatus: 1 })).resolves.toMatchObject({
      authInfo: { authenticatedUsers: [] },
      ok: 1,
    });
    await expect(admin.command({ getFreeMonitoringStatus: 1 })).resolves.toMatchObject({ ok: 1 });
    await expect(admin.command({ killAllSessions: [] })).resolves.toEqual({ ok: 1 });
  });

  it('when a client tries SASL auth, then it fails with AuthenticationFailed', async () => {
    const error = await client
      .db('admin')
      .command({ saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: Buffer.alloc(0) })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
  });

  it('when replica-set commands run on a standalone, then they fail like mongod', async () => {
    const error = await client
      .db('admin')
      .command({ replSetInitiate: {} })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 76, codeName: 'NoReplicationEnabled' });
  });

  it('when the handshake arrives as legacy OP_QUERY, then the answer is an OP_REPLY', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.write(
      opQuery(11, 'admin.$cmd', { isMaster: 1, helloOk: true, compression: ['zlib'] }),
    );
    const [reply] = await raw.read(1);
    expect(reply).toMatchObject({ responseTo: 11, opCode: 1 });
    expect(reply?.doc).toMatchObject({ ismaster: true, helloOk: true, maxWireVersion: 21, ok: 1 });
    expect(reply?.doc).not.toHaveProperty('compression');
    await raw.write(opQuery(12, 'test.$cmd', { $query: { find: 'x' } }));
    const [refused] = await raw.read(1);
    expect(refused?.doc).toMatchObject({ ok: 0, code: 352 });
    raw.close();
  });

  it('when messages arrive split and batched across reads, then each gets its reply in order', async () => {
    const raw = await RawClient.connect(server.port);
    const bytes = Buffer.concat([
      opMsg(21, { ping: 1, $db: 'admin' }),
      opMsg(22, { buildInfo: 1, $db: 'admin' }, { checksum: true }),
      opMsg(23, { ping: 1, $db: 'admin' }),
    ]);
    for (const [from, to] of [
      [0, 3],
      [3, 30],
      [30, bytes.length - 5],
      [bytes.length - 5, bytes.length],
    ]) {
      await raw.write(bytes.subarray(from, to));
    }
    const replies = await raw.read(3);
    raw.close();
    expect(replies.map((r) => r.responseTo)).toEqual([21, 22, 23]);
    expect(replies[1]?.doc.version).toBe('7.0.24');
  });

  it('when the client sets moreToCome, then that message gets no reply', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.write(
      opMsg(31, { insert: 'quiet', $db: 'shop', documents: [{ q: 1 }] }, { flags: 2 }),
    );
    await raw.write(opMsg(32, { ping: 1, $db: 'admin' }));
    const [reply] = await raw.read(1);
    raw.close();
    expect(reply?.responseTo).toBe(32);
    expect(engine.docs.get('shop.quiet')).toEqual([{ q: new Int32(1) }]);
  });

  it('when a message is compressed, then it gets an error reply and the connection stays usable', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.write(opCompressed(41));
    await raw.write(opMsg(42, { ping: 1, $db: 'admin' }));
    const [refused, ping] = await raw.read(2);
    raw.close();
    expect(refused).toMatchObject({ responseTo: 41, opCode: 2013, doc: { ok: 0 } });
    expect(String(refused?.doc.errmsg)).toMatch(/compression/);
    expect(ping?.doc).toEqual({ ok: 1 });
  });

  it('when an OP_MSG has no $db, then it is refused with 40571', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.write(opMsg(51, { ping: 1 }));
    const [reply] = await raw.read(1);
    raw.close();
    expect(reply?.doc).toMatchObject({ ok: 0, code: 40571 });
  });

  it.each([
    ['random bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a negative length', Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])],
    [
      'corrupt BSON',
      Buffer.concat([opMsg(61, { ping: 1, $db: 'admin' }).subarray(0, 21), Buffer.alloc(20, 0x7f)]),
    ],
    [
      'a removed opcode',
      (() => {
        const b = opMsg(62, { ping: 1, $db: 'a' });
        b.writeInt32LE(2002, 12);
        return b;
      })(),
    ],
  ])('when a client sends %s, then only that connection closes', async (_label, garbage) => {
    if (garbage.length >= 4 && garbage.readInt32LE(0) > 0 && garbage.readInt32LE(0) < 64) {
      garbage.writeInt32LE(garbage.length, 0);
    }
    const raw = await RawClient.connect(server.port);
    await raw.write(garbage);
    await raw.waitClosed();
    await expect(client.db('admin').command({ ping: 1 })).resolves.toEqual({ ok: 1 });
    const other = await RawClient.connect(server.port);
    await other.write(opMsg(63, { ping: 1, $db: 'admin' }));
    await expect(other.read(1)).resolves.toMatchObject([{ responseTo: 63, doc: { ok: 1 } }]);
    other.close();
  });
});

describe('wire server (replica-set member)', () => {
  let server: RunningEngineServer;
  let engine: RecordingEngine;
  let direct: MongoClient;

  beforeAll(async () => {
    engine = new RecordingEngine();
    server = await startEngineServer({ engine, replSet: 'rs0' });
    direct = await MongoClient.connect(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
  });

  afterAll(async () => {
    await direct.close();
    await server.close();
  });

  it('when not yet initiated, then hello says so and data commands are refused', async () => {
    const hello = await direct.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: false, isreplicaset: true, secondary: false });
    expect(hello).not.toHaveProperty('setName');
    const write = await direct
      .db('shop')
      .command({ insert: 'x', documents: [{ a: 1 }] })
      .catch((err: unknown) => err);
    expect(write).toMatchObject({ code: 10107, codeName: 'NotWritablePrimary' });
    const status = await direct
      .db('admin')
      .command({ replSetGetStatus: 1 })
      .catch((err: unknown) => err);
    expect(status).toMatchObject({ code: 94, codeName: 'NotYetInitialized' });
  });

  it('when initiated, then it is the primary of a one-member set and gossips cluster time', async () => {
    const host = `127.0.0.1:${server.port}`;
    await expect(
      direct.db('admin').command({ replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host }] } }),
    ).resolves.toMatchObject({ ok: 1 });
    const again = await direct
      .db('admin')
      .command({ replSetInitiate: {} })
      .catch((err: unknown) => err);
    expect(again).toMatchObject({
      code: 23,
      codeName: 'AlreadyInitialized',
      message: 'already initialized',
    });

    const hello = await direct.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      setName: 'rs0',
      setVersion: 1,
      hosts: [host],
      primary: host,
      me: host,
    });
    expect(hello.electionId).toBeDefined();
    expect(Number(hello.topologyVersion.counter)).toBeGreaterThanOrEqual(1);
    expect(hello.lastWrite.opTime.ts).toBeInstanceOf(Timestamp);
    expect(hello.$clusterTime.clusterTime).toBeInstanceOf(Timestamp);
    expect(hello.$clusterTime.signature.hash.buffer).toEqual(new Uint8Array(20));
    expect(hello.operationTime).toBeInstanceOf(Timestamp);

    const status = await direct.db('admin').command({ replSetGetStatus: 1 });
    expect(status.members).toEqual([
      expect.objectContaining({ _id: 0, name: host, state: 1, stateStr: 'PRIMARY', self: true }),
    ]);
    const { config } = await direct.db('admin').command({ replSetGetConfig: 1 });
    expect(config).toMatchObject({ _id: 'rs0', version: 1, members: [{ _id: 0, host }] });
  });

  it('when a driver connects with replicaSet=rs0, then it finds the primary and writes', async () => {
    const rsClient = await MongoClient.connect(
      `mongodb://127.0.0.1:${server.port}/?replicaSet=rs0`,
    );
    try {
      await rsClient.db('shop').collection('rs').insertOne({ ok: true });
      expect(engine.docs.get('shop.rs')).toHaveLength(1);
    } finally {
      await rsClient.close();
    }
  });
});

describe('wire server (monitoring and shutdown)', () => {
  it('when the driver monitors with streaming hello, then heartbeats keep succeeding on one exhaust stream', async () => {
    const server = await startEngineServer({ engine: new RecordingEngine(), replSet: 'rs1' });
    const seed = await MongoClient.connect(
      `mongodb://127.0.0.1:${server.port}/?directConnection=true`,
    );
    await seed.db('admin').command({ replSetInitiate: {} });
    await seed.close();
    const client = new MongoClient(`mongodb://127.0.0.1:${server.port}/?replicaSet=rs1`, {
      heartbeatFrequencyMS: 500,
    });
    let failures = 0;
    client.on('serverHeartbeatFailed', () => {
      failures += 1;
    });
    const streamed = new Promise<void>((resolve) => {
      let awaited = 0;
      client.on('serverHeartbeatSucceeded', (event) => {
        if (event.awaited) awaited += 1;
        if (awaited >= 3) resolve();
      });
    });
    try {
      await client.connect();
      await streamed;
      expect(failures).toBe(0);
      await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('when a client sends shutdown, then it gets ok, the server stops and onShutdown runs', async () => {
    let stopped!: () => void;
    const shutDown = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const server = await startEngineServer({
      engine: new RecordingEngine(),
      onShutdown: () => stopped(),
    });
    const raw = await RawClient.connect(server.port);
    await raw.write(opMsg(71, { shutdown: 1, force: true, $db: 'admin' }));
    await expect(raw.read(1)).resolves.toMatchObject([{ responseTo: 71, doc: { ok: 1 } }]);
    await shutDown;
    await raw.waitClosed();
    await expect(RawClient.connect(server.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

import { type Document, Long, ObjectId, Timestamp } from 'bson';
import { commandError } from '../errors';

export interface MemberConfig {
  _id: number;
  host: string;
}

/**
 * The node's replication role. Standalone when started without --replSet; with it,
 * the node is a "ghost" until replSetInitiate and then the single-member primary
 * (no elections: one member always wins term 1). Also keeps the cluster clock that
 * replica-set replies gossip, and the topology version that awaitable hellos wait on.
 */
export class ReplicaSetState {
  readonly processId = new ObjectId();
  readonly electionId = new ObjectId('7fffffff0000000000000001');
  readonly replicaSetId = new ObjectId();
  readonly term = 1;
  private counter = 0;
  private config: Document | undefined;
  private electedAt: Date | undefined;
  private electionTime: Timestamp | undefined;
  private lastSeconds = 0;
  private lastIncrement = 0;
  private waiters = new Set<() => void>();

  constructor(readonly setName: string | undefined) {}

  get isReplicaSet(): boolean {
    return this.setName !== undefined;
  }

  get isInitiated(): boolean {
    return this.config !== undefined;
  }

  /** Standalone nodes always accept writes; a replica-set node only once it is primary. */
  get isWritablePrimary(): boolean {
    return !this.isReplicaSet || this.isInitiated;
  }

  topologyVersion(): Document {
    return { processId: this.processId, counter: Long.fromNumber(this.counter) };
  }

  get topologyCounter(): number {
    return this.counter;
  }

  /** Resolves when the topology changes, after `ms`, or when `signal` aborts, whichever is first. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  private bumpTopology(): void {
    this.counter += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /** Advances the cluster clock: one tick per operation, ordered within a second. */
  tick(): Timestamp {
    const seconds = Math.floor(Date.now() / 1000);
    if (seconds > this.lastSeconds) {
      this.lastSeconds = seconds;
      this.lastIncrement = 1;
    } else {
      this.lastIncrement += 1;
    }
    return this.now();
  }

  /** The latest cluster time handed out, without advancing it. */
  now(): Timestamp {
    if (this.lastSeconds === 0) return this.tick();
    return new Timestamp({ t: this.lastSeconds, i: this.lastIncrement });
  }

  members(): MemberConfig[] {
    const members: unknown = this.config?.members;
    return Array.isArray(members) ? (members as MemberConfig[]) : [];
  }

  /** This node's `host:port` as the replica-set config names it. */
  selfHost(fallback: string): string {
    return this.members()[0]?.host ?? fallback;
  }

  currentConfig(): Document {
    if (!this.config) {
      throw commandError('NotYetInitialized', 'no replset config has been received');
    }
    return this.config;
  }

  electionDetails(): { electionTime: Timestamp; electionDate: Date } {
    return {
      electionTime: this.electionTime ?? this.now(),
      electionDate: this.electedAt ?? new Date(),
    };
  }

  /** Accepts a single-member config (filled in with mongod's defaults) and becomes primary. */
  initiate(requested: Document | undefined, selfHost: string): void {
    if (!this.isReplicaSet) {
      throw commandError(
        'NoReplicationEnabled',
        'This node was not started with replication enabled.',
      );
    }
    if (this.config) throw commandError('AlreadyInitialized', 'already initialized');
    this.config = this.normaliseConfig(requested ?? {}, selfHost, 1);
    this.electedAt = new Date();
    this.electionTime = this.tick();
    this.bumpTopology();
  }

  /** Replaces the config (mongodb-memory-server re-applies it with `force` after a restart). */
  reconfig(requested: Document, selfHost: string): void {
    const current = this.currentConfig();
    const version = typeof current.version === 'number' ? current.version + 1 : 2;
    this.config = this.normaliseConfig(requested, selfHost, version);
    this.bumpTopology();
  }

  private normaliseConfig(requested: Document, selfHost: string, version: number): Document {
    const id: unknown = requested._id ?? this.setName;
    if (id !== this.setName) {
      throw commandError(
        'InvalidReplicaSetConfig',
        `Attempting to initiate a replica set with name ${String(id)}, but command line reports ${this.setName}; rejecting`,
      );
    }
    const given: unknown = requested.members;
    const members: unknown[] = Array.isArray(given) && given.length > 0 ? given : [{ _id: 0 }];
    if (members.length !== 1) {
      throw commandError(
        'InvalidReplicaSetConfig',
        'this engine runs single-member replica sets only; the config lists more members',
      );
    }
    const member = (members[0] ?? {}) as Document;
    const settings = (typeof requested.settings === 'object' ? requested.settings : {}) as Document;
    return {
      _id: this.setName,
      version,
      term: this.term,
      members: [
        {
          _id: typeof member._id === 'number' ? member._id : 0,
          host: typeof member.host === 'string' ? member.host : selfHost,
          arbiterOnly: false,
          buildIndexes: true,
          hidden: false,
          priority: 1,
          tags: {},
          secondaryDelaySecs: Long.fromNumber(0),
          votes: 1,
        },
      ],
      protocolVersion: Long.fromNumber(1),
      writeConcernMajorityJournalDefault: requested.writeConcernMajorityJournalDefault !== false,
      settings: {
        chainingAllowed: true,
        heartbeatIntervalMillis: 2000,
        heartbeatTimeoutSecs: 10,
        electionTimeoutMillis: 10000,
        catchUpTimeoutMillis: -1,
        catchUpTakeoverDelayMillis: 30000,
        getLastErrorModes: {},
        getLastErrorDefaults: { w: 1, wtimeout: 0 },
        ...settings,
        replicaSetId: this.replicaSetId,
      },
    };
  }
}

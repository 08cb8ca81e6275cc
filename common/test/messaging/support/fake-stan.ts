import { EventEmitter } from 'node:events';
import type {
  StanConnect,
  StanConnectionLike,
  StanConnectOptions,
  StanMessageLike,
  StanSubscriptionLike,
  StanSubscriptionOptionsLike,
} from '../../../src/messaging';

type OptionCall = [name: string, ...args: unknown[]];

/** Records every builder call, in order, so tests can assert the exact subscription options. */
export class RecordingOptions implements StanSubscriptionOptionsLike {
  readonly calls: OptionCall[] = [];
  setDeliverAllAvailable(): this {
    this.calls.push(['setDeliverAllAvailable']);
    return this;
  }
  setManualAckMode(manual: boolean): this {
    this.calls.push(['setManualAckMode', manual]);
    return this;
  }
  setAckWait(millis: number): this {
    this.calls.push(['setAckWait', millis]);
    return this;
  }
  setDurableName(name: string): this {
    this.calls.push(['setDurableName', name]);
    return this;
  }
}

export class FakeSubscription extends EventEmitter implements StanSubscriptionLike {
  closed = false;
  constructor(
    readonly subject: string,
    readonly queueGroup: string,
    readonly options: RecordingOptions,
  ) {
    super();
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeMessage implements StanMessageLike {
  acks = 0;
  constructor(
    private readonly subject: string,
    private readonly sequence: number,
    private readonly body: string,
    private readonly redelivered = false,
  ) {}
  getSubject(): string {
    return this.subject;
  }
  getSequence(): number {
    return this.sequence;
  }
  getRawData(): Buffer {
    return Buffer.from(this.body, 'utf8');
  }
  isRedelivered(): boolean {
    return this.redelivered;
  }
  ack(): void {
    this.acks += 1;
  }
}

export interface Published {
  subject: string;
  data: string;
}

/** A NATS Streaming connection that never touches the network. */
export class FakeStan extends EventEmitter implements StanConnectionLike {
  readonly published: Published[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  closeCalls = 0;
  /** When set, the next publishes fail with it. */
  publishError: Error | undefined;

  publish(
    subject: string,
    data: Uint8Array | string,
    callback: (err: Error | undefined, guid: string) => void,
  ): string {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    const err = this.publishError;
    if (!err) this.published.push({ subject, data: text });
    setImmediate(() => callback(err, 'guid'));
    return 'guid';
  }
  subscriptionOptions(): RecordingOptions {
    return new RecordingOptions();
  }
  subscribe(
    subject: string,
    queueGroup: string,
    options: StanSubscriptionOptionsLike,
  ): FakeSubscription {
    if (!(options instanceof RecordingOptions)) throw new Error('unexpected options object');
    const sub = new FakeSubscription(subject, queueGroup, options);
    this.subscriptions.push(sub);
    return sub;
  }
  close(): void {
    this.closeCalls += 1;
    setImmediate(() => this.emit('close'));
  }
}

/** A `connect` that returns `stan` and records its arguments; emits `connect` (or `error`) soon after. */
export function fakeConnect(
  stan: FakeStan,
  outcome: Error | 'connect' = 'connect',
): { connect: StanConnect; calls: Array<[string, string, StanConnectOptions]> } {
  const calls: Array<[string, string, StanConnectOptions]> = [];
  return {
    calls,
    connect: (clusterId, clientId, options) => {
      calls.push([clusterId, clientId, options]);
      setImmediate(() => {
        if (outcome === 'connect') stan.emit('connect');
        else stan.emit('error', outcome);
      });
      return stan;
    },
  };
}

import type { TicketCreatedEvent } from '../../../src/events';
import { Subjects } from '../../../src/events';
import {
  type EventMessage,
  type IncomingMessage,
  Listener,
  type ListenerOptions,
  type MessagingClient,
  Publisher,
} from '../../../src/messaging';

export type TicketData = TicketCreatedEvent['data'];

export type Handler = (data: TicketData, msg: EventMessage) => void | Promise<void>;

export interface TestListenerSettings {
  queueGroupName: string;
  handler: Handler;
  ackWait?: number;
  maxDeliver?: number;
}

/** A ticket.created listener whose group, timings and behaviour each test chooses. */
export class TestTicketCreatedListener extends Listener<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
  readonly queueGroupName: string;
  override readonly ackWait: number;
  override readonly maxDeliver: number;
  private readonly handler: Handler;

  constructor(client: MessagingClient, settings: TestListenerSettings, options?: ListenerOptions) {
    super(client, options);
    this.queueGroupName = settings.queueGroupName;
    this.handler = settings.handler;
    this.ackWait = settings.ackWait ?? 5_000;
    this.maxDeliver = settings.maxDeliver ?? 5;
  }

  onMessage(data: TicketData, msg: EventMessage): void | Promise<void> {
    return this.handler(data, msg);
  }
}

export class TestTicketCreatedPublisher extends Publisher<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
}

let counter = 0;
export function buildTicket(overrides: Partial<TicketData> = {}): TicketData {
  counter += 1;
  return {
    id: `ticket-${counter}`,
    version: 0,
    title: `concert ${counter}`,
    price: 10 + counter,
    userId: 'user-1',
    ...overrides,
  };
}

/** Polls until `check` holds; throws with `what` if it never does. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Collects everything a raw subscription receives, acking each. */
export function collect(): {
  messages: IncomingMessage[];
  handler: (m: IncomingMessage) => Promise<void>;
} {
  const messages: IncomingMessage[] = [];
  return {
    messages,
    handler: async (m) => {
      messages.push(m);
      m.ack();
    },
  };
}

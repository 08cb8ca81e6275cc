// Compile-time tests: `npm run typecheck` (tsc over src and test) fails if any
// `@ts-expect-error` below stops being an error, i.e. if a wrong subject/data
// pair starts to compile. The jest assertions at the end check the runtime side.
import {
  type Event,
  type EventMessage,
  type ExpirationCompleteEvent,
  Listener,
  type MessagingClient,
  type OrderCancelledEvent,
  type OrderCreatedEvent,
  OrderStatus,
  Publisher,
  Subjects,
  type TicketCreatedEvent,
  type TicketUpdatedEvent,
} from '../../src';

class TicketCreatedPublisher extends Publisher<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
}

class OrderCreatedListener extends Listener<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = 'tickets-service';
  received: OrderCreatedEvent['data'][] = [];
  onMessage(data: OrderCreatedEvent['data'], msg: EventMessage): void {
    this.received.push(data);
    msg.ack();
  }
}

// A publisher's subject must be its event's subject.
export class WrongSubjectPublisher extends Publisher<TicketCreatedEvent> {
  // @ts-expect-error ticket.created's publisher cannot send on ticket.updated
  readonly subject = Subjects.TicketUpdated;
}

// A raw string is not a subject, even the right one.
export class StringSubjectPublisher extends Publisher<TicketCreatedEvent> {
  // @ts-expect-error subjects are the Subjects enum, not strings
  readonly subject = 'ticket.created';
}

export class WrongSubjectListener extends Listener<OrderCancelledEvent> {
  // @ts-expect-error order.cancelled's listener cannot consume order.created
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = 'tickets-service';
  onMessage(_data: OrderCancelledEvent['data'], msg: EventMessage): void {
    msg.ack();
  }
}

// A listener's handler must take its event's data.
export class WrongDataListener extends Listener<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = 'expiration-service';
  // @ts-expect-error order.created's data is not a ticket
  onMessage(_data: TicketCreatedEvent['data'], msg: EventMessage): void {
    msg.ack();
  }
}

export function publishChecks(publisher: TicketCreatedPublisher): void {
  const ticket = { id: 't1', version: 0, title: 'concert', price: 20, userId: 'u1' };
  void publisher.publish(ticket);
  // @ts-expect-error userId is missing
  void publisher.publish({ id: 't1', version: 0, title: 'concert', price: 20 });
  // @ts-expect-error price is a number
  void publisher.publish({ ...ticket, price: '20' });
  // @ts-expect-error an order is not a ticket
  void publisher.publish({ id: 'o1', version: 0, orderId: 'o1' });
}

export function listenerDataChecks(data: Parameters<OrderCreatedListener['onMessage']>[0]): void {
  const price: number = data.ticket.price;
  const status: OrderStatus = data.status;
  void price;
  void status;
  // @ts-expect-error order.created carries the ticket's id and price, not its title
  void data.ticket.title;
}

// The contracts themselves, independent of the messaging classes.
function publishTyped<E extends Event>(subject: E['subject'], data: E['data']): [string, object] {
  return [subject, data];
}

export function contractChecks(): void {
  publishTyped<ExpirationCompleteEvent>(Subjects.ExpirationComplete, { orderId: 'o1' });
  // @ts-expect-error expiration.complete is not order.cancelled
  publishTyped<ExpirationCompleteEvent>(Subjects.OrderCancelled, { orderId: 'o1' });
  // @ts-expect-error expiration.complete carries orderId, not id
  publishTyped<ExpirationCompleteEvent>(Subjects.ExpirationComplete, { id: 'o1' });

  const created: OrderCreatedEvent['data'] = {
    id: 'o1',
    version: 0,
    status: OrderStatus.Created,
    userId: 'u1',
    expiresAt: new Date(0).toISOString(),
    ticket: { id: 't1', price: 20 },
  };
  void created;
  const badStatus: OrderCreatedEvent['data'] = {
    ...created,
    // @ts-expect-error the status is an OrderStatus, not a made-up string
    status: 'pending',
  };
  void badStatus;
  const badUpdate: TicketUpdatedEvent['data'] = {
    ...created.ticket,
    version: 1,
    title: 't',
    userId: 'u',
    // @ts-expect-error ticket.updated's orderId is a string when present
    orderId: 7,
  };
  void badUpdate;
  // @ts-expect-error every event names one of the known subjects
  const unknownEvent: Event = { subject: 'payment.created', data: {} };
  void unknownEvent;
}

// Just enough of a broker to see what a publisher sends.
function recordingClient(sent: { subject: string; payload: string }[]): MessagingClient {
  return {
    transport: 'jetstream',
    async publish(subject, payload) {
      sent.push({ subject, payload: String(payload) });
    },
    async subscribe() {
      return { close: async () => {} };
    },
    onStatus: () => () => {},
    isConnected: () => true,
    drain: async () => {},
    close: async () => {},
  };
}

describe('event contracts at runtime', () => {
  it('when the subjects are read, then they are the wire names of the contract', () => {
    expect(Object.values(Subjects).sort()).toEqual([
      'expiration.complete',
      'order.cancelled',
      'order.created',
      'ticket.created',
      'ticket.updated',
    ]);
    expect(Object.values(OrderStatus).sort()).toEqual([
      'awaiting:payment',
      'cancelled',
      'complete',
      'created',
    ]);
  });

  it('when a typed publisher publishes, then its subject and JSON data go to the broker', async () => {
    const sent: { subject: string; payload: string }[] = [];
    const ticket = { id: 't1', version: 0, title: 'concert', price: 20, userId: 'u1' };
    await new TicketCreatedPublisher(recordingClient(sent)).publish(ticket);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('ticket.created');
    expect(JSON.parse(sent[0]?.payload ?? '')).toEqual(ticket);
  });
});

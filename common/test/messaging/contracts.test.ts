// The compile-time half of this file is checked by `tsc -p tsconfig.json` (jest only
// transpiles): every @ts-expect-error below must stay an error, or typecheck fails.
import {
  type OrderCreatedEvent,
  OrderStatus,
  Subjects,
  type TicketCreatedEvent,
} from '../../src/events';
import { type EventMessage, Listener, type MessagingClient, Publisher } from '../../src/messaging';

class GoodListener extends Listener<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
  readonly queueGroupName = 'orders-service';
  override readonly ackWait = 1_000;
  onMessage(data: TicketCreatedEvent['data'], msg: EventMessage): void {
    if (data.price > 0) msg.ack();
  }
}

class WrongSubjectListener extends Listener<TicketCreatedEvent> {
  // @ts-expect-error a ticket.created listener cannot consume order.created
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = 'orders-service';
  onMessage(): void {}
}

class WrongDataListener extends Listener<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = 'tickets-service';
  // @ts-expect-error the data parameter must be OrderCreatedEvent['data']
  onMessage(data: { title: number }, msg: EventMessage): void {
    if (data.title) msg.ack();
  }
}

class OrderCreatedPublisher extends Publisher<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
}

class WrongSubjectPublisher extends Publisher<OrderCreatedEvent> {
  // @ts-expect-error an order.created publisher cannot send on ticket.created
  readonly subject = Subjects.TicketCreated;
}

function publishes(client: MessagingClient): Array<Promise<void>> {
  const publisher = new OrderCreatedPublisher(client);
  return [
    publisher.publish({
      id: 'o1',
      version: 0,
      status: OrderStatus.Created,
      userId: 'u1',
      expiresAt: new Date().toISOString(),
      ticket: { id: 't1', price: 10 },
    }),
    // @ts-expect-error ticket data is not order data
    publisher.publish({ id: 't1', version: 0, title: 'x', price: 1, userId: 'u1' }),
    publisher.publish({
      id: 'o1',
      version: 0,
      // @ts-expect-error status must be an OrderStatus
      status: 'bogus',
      userId: 'u1',
      expiresAt: '',
      ticket: { id: 't1', price: 10 },
    }),
  ];
}

test('when a listener or publisher class is declared, then its subject is the literal the event names', () => {
  const client = {} as MessagingClient;
  expect(new GoodListener(client).subject).toBe('ticket.created');
  expect(new GoodListener(client).ackWait).toBe(1_000);
  expect(new GoodListener(client).maxDeliver).toBe(5);
  expect(new OrderCreatedPublisher(client).subject).toBe('order.created');
  expect([WrongSubjectListener, WrongDataListener, WrongSubjectPublisher, publishes]).toHaveLength(
    4,
  );
});

import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { type Stack, startStack } from '@ticketing/local-stack';
import { Client, signUp } from './support/client';
import { eventually } from './support/eventually';

interface Ticket {
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  orderId?: string;
}

interface Order {
  id: string;
  userId: string;
  status: string;
  expiresAt: string;
  ticket: { id: string };
}

interface ErrorBody {
  errors: { message: string; field?: string }[];
}

const EXPIRATION_WINDOW_SECONDS = 3;
// The services' output, for reading after a failure (gitignored as *.log).
const LOG_FILE = join(__dirname, '..', 'stack.log');

let stack: Stack;
let logStream: WriteStream;

beforeAll(async () => {
  logStream = createWriteStream(LOG_FILE, { flags: 'w' });
  stack = await startStack({
    expirationWindowSeconds: EXPIRATION_WINDOW_SECONDS,
    log: (line) => logStream.write(`${line}\n`),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => logStream.end(resolve));
}, 60_000);

function url(): string {
  return stack.gatewayUrl;
}

async function createTicket(client: Client, title = 'concert', price = 20): Promise<Ticket> {
  const response = await client.post<Ticket>('/api/tickets', { title, price });
  expect(response.status).toBe(201);
  return response.body;
}

/** Orders once orders has the ticket's replica (ticket.created travels through the broker). */
async function orderWhenKnown(client: Client, ticketId: string): Promise<Order> {
  return eventually(async () => {
    const response = await client.post<Order>('/api/orders', { ticketId });
    if (response.status === 404) throw new Error('orders does not know the ticket yet');
    expect(response.status).toBe(201);
    return response.body;
  });
}

async function ticketWhen(id: string, predicate: (ticket: Ticket) => boolean): Promise<Ticket> {
  return eventually(async () => {
    const response = await new Client(url()).get<Ticket>(`/api/tickets/${id}`);
    expect(response.status).toBe(200);
    expect(predicate(response.body)).toBe(true);
    return response.body;
  });
}

describe('accounts', () => {
  test('when a user signs up, then currentuser shows them; when they sign out, then it is null', async () => {
    const { client, id, email } = await signUp(url(), 'account');

    const signedIn = await client.get<{ currentUser: { id: string; email: string } | null }>(
      '/api/users/currentuser',
    );
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.currentUser).toMatchObject({ id, email });

    const signOut = await client.post('/api/users/signout');
    expect(signOut.status).toBe(200);
    const signedOut = await client.get<{ currentUser: unknown }>('/api/users/currentuser');
    expect(signedOut.body.currentUser).toBeNull();
  });
});

describe('selling', () => {
  test('when a user creates a ticket, then it is listed; when the owner edits it, then it is at version 1', async () => {
    const seller = await signUp(url(), 'seller');
    const ticket = await createTicket(seller.client, 'opera', 35.5);
    expect(ticket).toMatchObject({ title: 'opera', price: 35.5, userId: seller.id, version: 0 });

    const list = await new Client(url()).get<Ticket[]>('/api/tickets');
    expect(list.status).toBe(200);
    expect(list.body.map((listed) => listed.id)).toContain(ticket.id);

    const edit = await seller.client.put<Ticket>(`/api/tickets/${ticket.id}`, {
      title: 'opera, front row',
      price: 50,
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ title: 'opera, front row', price: 50, version: 1 });
  });
});

describe('buying and cancelling', () => {
  test('when a buyer orders a ticket, then it is reserved for that order, the seller cannot edit it and a third buyer is refused; when the buyer cancels, then it is free again', async () => {
    const seller = await signUp(url(), 'seller');
    const buyer = await signUp(url(), 'buyer');
    const third = await signUp(url(), 'third');
    const ticket = await createTicket(seller.client);

    const order = await orderWhenKnown(buyer.client, ticket.id);
    expect(order).toMatchObject({ userId: buyer.id, status: 'created', ticket: { id: ticket.id } });

    await ticketWhen(ticket.id, (current) => current.orderId === order.id);
    const edit = await seller.client.put<ErrorBody>(`/api/tickets/${ticket.id}`, {
      title: 'changed',
      price: 1,
    });
    expect(edit.status).toBe(400);
    expect(edit.body.errors[0]?.message).toBe('Cannot edit a reserved ticket');
    const refused = await third.client.post<ErrorBody>('/api/orders', { ticketId: ticket.id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.message).toBe('Ticket is already reserved');

    const cancel = await buyer.client.delete(`/api/orders/${order.id}`);
    expect(cancel.status).toBe(204);
    const cancelled = await buyer.client.get<Order>(`/api/orders/${order.id}`);
    expect(cancelled.body.status).toBe('cancelled');
    await ticketWhen(ticket.id, (current) => current.orderId === undefined);
    const editAgain = await seller.client.put<Ticket>(`/api/tickets/${ticket.id}`, {
      title: 'free again',
      price: 21,
    });
    expect(editAgain.status).toBe(200);
    const reorder = await third.client.post<Order>('/api/orders', { ticketId: ticket.id });
    expect(reorder.status).toBe(201);
  });
});

describe('expiration', () => {
  test('when an order is not paid within the window, then it is cancelled and its ticket is free again', async () => {
    const seller = await signUp(url(), 'seller');
    const buyer = await signUp(url(), 'buyer');
    const ticket = await createTicket(seller.client);

    const order = await orderWhenKnown(buyer.client, ticket.id);
    expect(Date.parse(order.expiresAt)).toBeGreaterThan(Date.now());
    await ticketWhen(ticket.id, (current) => current.orderId === order.id);

    const expired = await eventually(
      async () => {
        const response = await buyer.client.get<Order>(`/api/orders/${order.id}`);
        expect(response.body.status).toBe('cancelled');
        return response.body;
      },
      { timeoutMs: (EXPIRATION_WINDOW_SECONDS + 20) * 1000 },
    );
    expect(expired.id).toBe(order.id);
    await ticketWhen(ticket.id, (current) => current.orderId === undefined);
  });
});

describe('bad input through the gateway', () => {
  test('when the body is not valid JSON, then 400 in the error format', async () => {
    const response = await new Client(url()).send<ErrorBody>(
      'POST',
      '/api/users/signup',
      '{"email": ',
    );

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: expect.any(String) }),
    ]);
  });

  test('when the route is unknown, then 404 Not Found, at the gateway and inside a service', async () => {
    const client = new Client(url());

    for (const path of ['/nowhere', '/api/users/nowhere']) {
      const response = await client.get<ErrorBody>(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ errors: [{ message: 'Not Found' }] });
    }
  });

  test('when nobody is signed in, then creating a ticket or an order is 401', async () => {
    const client = new Client(url());

    const ticket = await client.post<ErrorBody>('/api/tickets', { title: 'x', price: 1 });
    const order = await client.post<ErrorBody>('/api/orders', { ticketId: 'whatever' });

    expect(ticket.status).toBe(401);
    expect(order.status).toBe(401);
    expect(ticket.body.errors).toHaveLength(1);
  });
});

describe('a service restart', () => {
  test('when orders is down while a ticket is created, then after its restart the ticket can be ordered', async () => {
    const orders = stack.services.orders;
    if (orders === undefined) throw new Error('the stack runs no orders service');
    const seller = await signUp(url(), 'seller');
    const buyer = await signUp(url(), 'buyer');

    const stopped = await orders.stop();
    expect(stopped.code).toBe(0);
    const down = await buyer.client.get<ErrorBody>('/api/orders');
    expect(down.status).toBe(502);
    const ticket = await createTicket(seller.client, 'while orders was down');

    await orders.start();
    const order = await orderWhenKnown(buyer.client, ticket.id);
    expect(order.ticket.id).toBe(ticket.id);
  });
});

describe('shutdown', () => {
  test('when the stack stops, then every service exits with code 0', async () => {
    await expect(stack.stop()).resolves.toBe(true);
    expect(Object.values(stack.services).every((service) => !service?.running)).toBe(true);
  });
});

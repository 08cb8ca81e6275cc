import request from 'supertest';
import {
  buildOrder,
  buildTestApp,
  buildTicket,
  newId,
  signin,
  useTestDatabase,
} from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

describe('GET /api/orders', () => {
  it('when nobody is signed in, then 401', async () => {
    const res = await request(app).get('/api/orders');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
  });

  it('when the user has no orders, then 200 with an empty list', async () => {
    await buildOrder();
    const res = await request(app).get('/api/orders').set('Cookie', signin());
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('when two users have orders, then each sees only their own, oldest first, each with its ticket populated', async () => {
    const userOne = newId();
    const userTwo = newId();
    const ticketOne = await buildTicket({ title: 'one', price: 10 });
    const ticketTwo = await buildTicket({ title: 'two', price: 20 });
    const ticketThree = await buildTicket({ title: 'three', price: 30 });
    await buildOrder({ userId: userOne, ticket: ticketOne });
    const first = await request(app)
      .post('/api/orders')
      .set('Cookie', signin(userTwo))
      .send({ ticketId: ticketTwo.id })
      .expect(201);
    const second = await request(app)
      .post('/api/orders')
      .set('Cookie', signin(userTwo))
      .send({ ticketId: ticketThree.id })
      .expect(201);

    const res = await request(app).get('/api/orders').set('Cookie', signin(userTwo));

    expect(res.status).toBe(200);
    expect(res.body).toEqual([first.body, second.body]);
    expect(res.body[0].ticket).toEqual({ id: ticketTwo.id, title: 'two', price: 20, version: 0 });
    expect(res.body[1].ticket).toEqual({
      id: ticketThree.id,
      title: 'three',
      price: 30,
      version: 0,
    });
  });
});

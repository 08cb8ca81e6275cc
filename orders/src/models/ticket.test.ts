import { OrderStatus } from '@ticketing/common';
import { buildOrder, buildTicket, useTestDatabase } from '../test/helpers';
import { Ticket } from './ticket';

useTestDatabase();

describe('Ticket replica', () => {
  it('when no order or only a cancelled one holds it, then it is not reserved', async () => {
    const ticket = await buildTicket();
    expect(await ticket.isReserved()).toBe(false);
    await buildOrder({ ticket, status: OrderStatus.Cancelled });
    expect(await ticket.isReserved()).toBe(false);
  });

  it.each([OrderStatus.Created, OrderStatus.AwaitingPayment, OrderStatus.Complete])(
    'when a %s order holds it, then it is reserved',
    async (status) => {
      const ticket = await buildTicket();
      await buildOrder({ ticket, status });
      expect(await ticket.isReserved()).toBe(true);
    },
  );

  it('when findByEvent is asked for the next version, then it finds the replica; for an older, equal or later one, null', async () => {
    const ticket = await buildTicket({ version: 4 });
    expect((await Ticket.findByEvent({ id: ticket.id, version: 5 }))?.id).toBe(ticket.id);
    for (const version of [3, 4, 6]) {
      expect(await Ticket.findByEvent({ id: ticket.id, version })).toBeNull();
    }
  });

  it('when a stale copy is saved after a newer one, then the save fails (update-if-current)', async () => {
    const ticket = await buildTicket({ version: 0 });
    const first = await Ticket.findById(ticket.id);
    const second = await Ticket.findById(ticket.id);
    first?.set({ price: 30 });
    await first?.save();
    second?.set({ price: 40 });
    await expect(second?.save()).rejects.toThrow();
    expect((await Ticket.findById(ticket.id))?.toJSON()).toMatchObject({ price: 30, version: 1 });
  });

  it('when it is serialized, then it shows id, title, price and version only', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20, version: 2 });
    expect(ticket.toJSON()).toEqual({ id: ticket.id, title: 'concert', price: 20, version: 2 });
  });
});

import mongoose from 'mongoose';
import { buildTicket, newId, useTestDatabase } from '../test/helpers';
import { Ticket, TicketAlreadyReservedError } from './ticket';

useTestDatabase();

describe('Ticket model', () => {
  it('when a ticket is built and saved, then toJSON gives id and version and hides _id', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 5 });
    const json = ticket.toJSON();
    expect(json).toEqual({
      id: ticket.id,
      title: 'concert',
      price: 5,
      userId: ticket.userId,
      version: 0,
    });
    expect(json).not.toHaveProperty('_id');
  });

  it('when two copies of one ticket are saved in turn, then the stale one fails with a VersionError', async () => {
    const ticket = await buildTicket();
    const first = await Ticket.findById(ticket.id);
    const second = await Ticket.findById(ticket.id);
    if (!first || !second) throw new Error('ticket not found');

    first.set({ price: 10 });
    await first.save();
    second.set({ price: 15 });
    await expect(second.save()).rejects.toBeInstanceOf(mongoose.Error.VersionError);
    expect((await Ticket.findById(ticket.id))?.price).toBe(10);
  });

  it('when a ticket is saved repeatedly, then its version goes 0 → 1 → 2', async () => {
    const ticket = await buildTicket();
    expect(ticket.version).toBe(0);
    ticket.set({ price: 11 });
    await ticket.save();
    expect(ticket.version).toBe(1);
    ticket.set({ price: 12 });
    await ticket.save();
    expect(ticket.version).toBe(2);
    expect((await Ticket.findById(ticket.id))?.version).toBe(2);
  });

  it('when a reserved ticket is edited, through edit() or by setting fields, then it is refused', async () => {
    const ticket = await buildTicket({ orderId: newId() });
    expect(() => ticket.edit({ title: 'new', price: 1 })).toThrow('Cannot edit a reserved ticket');

    ticket.set({ title: 'sneaky' });
    await expect(ticket.save()).rejects.toThrow('Cannot edit a reserved ticket');
    expect((await Ticket.findById(ticket.id))?.title).toBe('concert');
  });

  it('when reserve is called, then a free ticket is taken, a repeat by the same order is no change, another order is refused', async () => {
    const ticket = await buildTicket();
    const orderId = newId();
    expect(ticket.reserve(orderId)).toBe(true);
    expect(ticket.orderId).toBe(orderId);
    expect(ticket.reserve(orderId)).toBe(false);
    expect(() => ticket.reserve(newId())).toThrow(TicketAlreadyReservedError);
    expect(ticket.orderId).toBe(orderId);
  });

  it('when release is called, then only the holding order frees the ticket and the field is removed', async () => {
    const orderId = newId();
    const ticket = await buildTicket({ orderId });
    expect(ticket.release(newId())).toBe(false);
    expect(ticket.orderId).toBe(orderId);
    expect(ticket.release(orderId)).toBe(true);
    await ticket.save();
    const stored = await Ticket.findById(ticket.id).lean<Record<string, unknown>>();
    expect(stored).not.toHaveProperty('orderId');
    expect(stored?.version).toBe(1);
  });

  it('when values break the schema bounds, then saving fails (a backstop for the route rules)', async () => {
    await expect(buildTicket({ price: 0 })).rejects.toThrow(mongoose.Error.ValidationError);
    await expect(buildTicket({ title: 'x'.repeat(201) })).rejects.toThrow(
      mongoose.Error.ValidationError,
    );
  });
});

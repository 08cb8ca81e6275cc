import { Subjects, type TicketUpdatedEvent, TransactionalListener } from '@ticketing/common';
import type { ClientSession } from 'mongoose';
import { Ticket } from '../../models/ticket';
import { queueGroupName } from './queue-group-name';

/** Thrown for an event that is ahead of the replica: the ones in between must apply first. */
export class TicketVersionGapError extends Error {
  override readonly name = 'TicketVersionGapError';
  constructor(
    readonly ticketId: string,
    readonly eventVersion: number,
    readonly replicaVersion: number | undefined,
  ) {
    super(
      `ticket.updated v${eventVersion} for ticket ${ticketId} arrived before v${eventVersion - 1} (replica ${
        replicaVersion === undefined ? 'not created yet' : `at v${replicaVersion}`
      })`,
    );
  }
}

/** Longest pause between redeliveries of an event waiting for the one before it. */
const MAX_GAP_RETRY_DELAY_MS = 1_000;

/**
 * Applies ticket.updated in version order. The next version applies; an older or equal
 * one is a repeat (acked, dropped); a newer one throws, so nothing is committed or acked
 * and the base listener asks the broker to redeliver it after a short back-off, by which
 * time the missing event has usually arrived.
 */
export class TicketUpdatedListener extends TransactionalListener<TicketUpdatedEvent> {
  readonly subject = Subjects.TicketUpdated;
  readonly queueGroupName = queueGroupName;
  // A gap closes as soon as the event before it is handled; until then each try is
  // cheap, so allow many quick ones before the event is dead-lettered (about 20 s in all).
  override readonly maxDeliver = 25;

  async onEvent(data: TicketUpdatedEvent['data'], session: ClientSession): Promise<void> {
    const ticket = await Ticket.findByEvent(data, session);
    if (ticket) {
      ticket.set({ title: data.title, price: data.price });
      // The plugin bumps the version by one, to the event's, and refuses a stale copy.
      await ticket.save({ session });
      return;
    }
    const current = await Ticket.findById(data.id, { version: 1 }).session(session);
    if (current && current.version >= data.version) return;
    throw new TicketVersionGapError(data.id, data.version, current?.version);
  }

  // A throw that is not a gap (e.g. MongoDB away) keeps the base back-off.
  protected override retryDelay(deliveryCount: number): number {
    return Math.min(super.retryDelay(deliveryCount), MAX_GAP_RETRY_DELAY_MS);
  }
}

import { type ExpirationCompleteEvent, Subjects, TransactionalListener } from '@ticketing/common';
import type { ClientSession } from 'mongoose';
import { Order } from '../../models/order';
import { orderEvents } from '../publishers/order-events';
import { queueGroupName } from './queue-group-name';

/**
 * Cancels an order whose reservation window has passed, if it still holds the ticket
 * unpaid, and records order.cancelled in the same transaction. A complete or already
 * cancelled order is left alone: acked, no event.
 */
export class ExpirationCompleteListener extends TransactionalListener<ExpirationCompleteEvent> {
  readonly subject = Subjects.ExpirationComplete;
  readonly queueGroupName = queueGroupName;

  async onEvent(data: ExpirationCompleteEvent['data'], session: ClientSession): Promise<void> {
    const order = await Order.findById(data.orderId).session(session);
    // Orders creates every order before its expiration is scheduled: a miss is a fault
    // worth retrying and then dead-lettering, not something to ack silently.
    if (!order) throw new Error(`Order ${data.orderId} not found`);
    if (!order.isCancellable()) return;
    order.cancel();
    await order.save({ session });
    await orderEvents.cancelled(session, order);
  }
}

import { BadRequestError, OrderStatus } from '@ticketing/common';
import mongoose, { type HydratedDocument, type Model, type Types } from 'mongoose';
import { updateIfCurrentPlugin } from 'mongoose-update-if-current';
import type { TicketDoc } from './ticket';

/** What it takes to create an order. */
export interface OrderAttrs {
  userId: string;
  status: OrderStatus;
  expiresAt: Date;
  ticket: TicketDoc;
}

/** The stored fields; `ticket` is the replica's id, or the replica once populated. */
export interface OrderFields {
  userId: string;
  status: OrderStatus;
  expiresAt: Date;
  ticket: Types.ObjectId | TicketDoc;
}

/** The rules the DELETE route and the expiration listener share. */
export interface OrderMethods {
  /** True while the order still holds its ticket unpaid: `created` or `awaiting:payment`. */
  isCancellable(): boolean;
  /** Marks the order cancelled; throws 400 when it is complete or already cancelled. */
  cancel(): void;
  /** The ticket's id, whether or not `ticket` is populated. */
  ticketId(): string;
}

/** A loaded order; `version` is mongoose's version key, renamed. */
export type OrderDoc = HydratedDocument<OrderFields, OrderMethods & { version: number }>;

type OrderModel = Model<OrderFields, object, OrderMethods, object, OrderDoc> & {
  build(attrs: OrderAttrs): OrderDoc;
};

const CANCELLABLE: readonly OrderStatus[] = [OrderStatus.Created, OrderStatus.AwaitingPayment];

const orderSchema = new mongoose.Schema<OrderFields, OrderModel, OrderMethods>(
  {
    userId: { type: String, required: true },
    status: {
      type: String,
      required: true,
      enum: Object.values(OrderStatus),
      default: OrderStatus.Created,
    },
    expiresAt: { type: mongoose.Schema.Types.Date, required: true },
    ticket: { type: mongoose.Schema.Types.ObjectId, ref: 'Ticket', required: true },
  },
  {
    versionKey: 'version',
    toJSON: {
      transform(_doc, ret: Record<string, unknown>) {
        ret.id = String(ret._id);
        delete ret._id;
        return ret;
      },
    },
  },
);

// "Is this ticket reserved?" and "my orders" are the two lookups every request makes.
orderSchema.index({ ticket: 1, status: 1 });
orderSchema.index({ userId: 1 });

// The plugin's typings predate mongoose 8's generic Schema; it only adds a pre-save hook.
orderSchema.plugin((schema) => updateIfCurrentPlugin(schema as unknown as mongoose.Schema));

orderSchema.method('isCancellable', function isCancellable(this: OrderDoc) {
  return CANCELLABLE.includes(this.status);
});

orderSchema.method('cancel', function cancel(this: OrderDoc) {
  if (!this.isCancellable()) {
    throw new BadRequestError(
      this.status === OrderStatus.Cancelled
        ? 'Order is already cancelled'
        : `Cannot cancel an order that is ${this.status}`,
    );
  }
  this.set({ status: OrderStatus.Cancelled });
});

orderSchema.method('ticketId', function ticketId(this: OrderDoc) {
  const { ticket } = this;
  return ticket instanceof mongoose.Types.ObjectId ? ticket.toHexString() : String(ticket._id);
});

orderSchema.static('build', function build(attrs: OrderAttrs): OrderDoc {
  return new Order(attrs);
});

export const Order = mongoose.model<OrderFields, OrderModel>('Order', orderSchema);

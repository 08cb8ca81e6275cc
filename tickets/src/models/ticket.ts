import { BadRequestError } from '@ticketing/common';
import mongoose, { type HydratedDocument, type Model } from 'mongoose';
import { updateIfCurrentPlugin } from 'mongoose-update-if-current';

/** What it takes to list a ticket. */
export interface TicketAttrs {
  title: string;
  price: number;
  userId: string;
}

/** A stored ticket's schema fields: its attrs and the order holding it, if any. */
export interface TicketFields extends TicketAttrs {
  orderId?: string;
}

/** The rules every writer (the routes and the listeners) goes through. */
export interface TicketMethods {
  /** True while an order holds the ticket. */
  isReserved(): boolean;
  /** Changes title and price; throws 400 "Cannot edit a reserved ticket" while reserved. */
  edit(changes: Pick<TicketAttrs, 'title' | 'price'>): void;
  /**
   * Reserves the ticket for `orderId`. False when it already is (a repeat: nothing to
   * save); throws when another order holds it, so the event is retried later (that
   * order's cancellation may simply not have arrived yet).
   */
  reserve(orderId: string): boolean;
  /** Frees the ticket if `orderId` holds it; false (no change) otherwise. */
  release(orderId: string): boolean;
}

/** A loaded ticket; `version` is mongoose's version key, renamed (0 on creation, +1 per save). */
export type TicketDoc = HydratedDocument<TicketFields, TicketMethods & { version: number }>;

// Model's 5th parameter is the hydrated type its queries return: ours knows `version`.

type TicketModel = Model<TicketFields, object, TicketMethods, object, TicketDoc> & {
  build(attrs: TicketAttrs): TicketDoc;
};

/** Title length limit, shared with the request validation. */
export const TITLE_MAX_LENGTH = 200;
/** Price bounds (whole currency units, two decimals): a typo like 1e9 is refused, not listed. */
export const PRICE_MIN = 0.01;
export const PRICE_MAX = 1_000_000;

/** The 400 a change to a reserved ticket gets, wherever it is attempted. */
export function reservedTicketError(): BadRequestError {
  return new BadRequestError('Cannot edit a reserved ticket');
}

/** Error a reservation gets while another order holds the ticket. */
export class TicketAlreadyReservedError extends Error {
  override readonly name = 'TicketAlreadyReservedError';
  constructor(
    readonly ticketId: string,
    readonly heldBy: string,
    readonly requestedBy: string,
  ) {
    super(`Ticket ${ticketId} is reserved by order ${heldBy}, not ${requestedBy}`);
  }
}

const ticketSchema = new mongoose.Schema<TicketFields, TicketModel, TicketMethods>(
  {
    title: { type: String, required: true, trim: true, maxlength: TITLE_MAX_LENGTH },
    price: { type: Number, required: true, min: PRICE_MIN, max: PRICE_MAX },
    userId: { type: String, required: true },
    orderId: { type: String },
  },
  {
    // mongoose's own version key, renamed: every save bumps it, and the plugin makes a
    // save of a stale copy fail instead of overwriting a newer one.
    versionKey: 'version',
    toJSON: {
      transform(_doc, ret: Record<string, unknown>) {
        ret.id = String(ret._id);
        delete ret._id;
        if (ret.orderId === null || ret.orderId === undefined) delete ret.orderId;
        return ret;
      },
    },
  },
);

// The plugin's typings predate mongoose 8's generic Schema; it only adds hooks to the
// schema it is given, so the cast loses nothing.
ticketSchema.plugin((schema) => updateIfCurrentPlugin(schema as unknown as mongoose.Schema));

ticketSchema.method('isReserved', function isReserved(this: TicketDoc) {
  return typeof this.orderId === 'string';
});

ticketSchema.method(
  'edit',
  function edit(this: TicketDoc, changes: Pick<TicketAttrs, 'title' | 'price'>) {
    if (this.isReserved()) throw reservedTicketError();
    this.set({ title: changes.title, price: changes.price });
  },
);

ticketSchema.method('reserve', function reserve(this: TicketDoc, orderId: string) {
  if (this.orderId === orderId) return false;
  if (this.isReserved()) {
    throw new TicketAlreadyReservedError(this.id, String(this.orderId), orderId);
  }
  this.set({ orderId });
  return true;
});

ticketSchema.method('release', function release(this: TicketDoc, orderId: string) {
  if (this.orderId !== orderId) return false;
  this.set({ orderId: undefined });
  return true;
});

// Backstop for code that sets fields directly instead of calling edit(): the rule
// holds for every save, not only for callers that remember it.
ticketSchema.pre('save', function refuseEditsWhileReserved() {
  if (this.isNew || !this.isReserved()) return;
  if (this.isModified('title') || this.isModified('price')) throw reservedTicketError();
});

ticketSchema.static('build', function build(attrs: TicketAttrs) {
  return new Ticket(attrs);
});

export const Ticket = mongoose.model<TicketFields, TicketModel>('Ticket', ticketSchema);

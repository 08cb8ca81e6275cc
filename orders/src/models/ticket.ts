import { OrderStatus } from '@ticketing/common';
import mongoose, { type ClientSession, type HydratedDocument, type Model } from 'mongoose';
import { updateIfCurrentPlugin } from 'mongoose-update-if-current';

/** What the orders service keeps of a ticket: the tickets service's id and its sale terms. */
export interface TicketAttrs {
  id: string;
  title: string;
  price: number;
  /** The tickets service's version of the ticket this replica mirrors. */
  version: number;
}

/** The stored fields (the id is `_id`, the version the renamed version key). */
export interface TicketFields {
  title: string;
  price: number;
  /**
   * Written by every reservation in its transaction and read by nothing: two buyers
   * racing for this ticket then write the same document, so one of their transactions
   * conflicts and re-runs, and on the re-run sees the winner's order.
   */
  reservationToken?: mongoose.Types.ObjectId;
}

/** The rules routes and listeners share. */
export interface TicketMethods {
  /** True while an order that is not cancelled holds the ticket; reads through `session` when given. */
  isReserved(session?: ClientSession): Promise<boolean>;
  /**
   * Claims the ticket for a reservation inside `session`'s transaction. Does not bump the
   * version: the version stays the tickets service's, so ticket.updated keeps applying.
   */
  claimForReservation(session: ClientSession): Promise<void>;
}

/** A loaded replica; `version` is mongoose's version key, renamed. */
export type TicketDoc = HydratedDocument<TicketFields, TicketMethods & { version: number }>;

interface TicketStatics {
  /**
   * Inserts the replica at the version the tickets service gave it, unless one with its
   * id exists already (then that one is returned unchanged: a repeated ticket.created
   * must not reset a replica that later updates have moved on).
   */
  createReplica(attrs: TicketAttrs, session?: ClientSession): Promise<TicketDoc>;
  /**
   * The replica an event applies to: the one exactly one version behind it. Null when
   * the replica is already at or past the event (a repeat or an older event) or
   * further behind (an event in between has not arrived yet): the caller tells these apart.
   */
  findByEvent(
    event: { id: string; version: number },
    session?: ClientSession,
  ): Promise<TicketDoc | null>;
}

type TicketModel = Model<TicketFields, object, TicketMethods, object, TicketDoc> & TicketStatics;

/** Statuses that hold a ticket: everything but cancelled (a complete order keeps it for good). */
export const RESERVING_STATUSES: readonly OrderStatus[] = [
  OrderStatus.Created,
  OrderStatus.AwaitingPayment,
  OrderStatus.Complete,
];

const ticketSchema = new mongoose.Schema<TicketFields, TicketModel, TicketMethods>(
  {
    title: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    reservationToken: { type: mongoose.Schema.Types.ObjectId },
  },
  {
    versionKey: 'version',
    toJSON: {
      transform(_doc, ret: Record<string, unknown>) {
        ret.id = String(ret._id);
        delete ret._id;
        delete ret.reservationToken;
        return ret;
      },
    },
  },
);

// The plugin's typings predate mongoose 8's generic Schema; it only adds a pre-save hook.
ticketSchema.plugin((schema) => updateIfCurrentPlugin(schema as unknown as mongoose.Schema));

ticketSchema.static(
  'createReplica',
  async function createReplica(attrs: TicketAttrs, session?: ClientSession) {
    // An upsert rather than save(): saving a new document stores version 0 whatever was
    // set (the plugin's increment makes mongoose reset the version key on insert), while
    // a version in $setOnInsert is kept.
    const replica = await Ticket.findOneAndUpdate(
      { _id: attrs.id },
      { $setOnInsert: { title: attrs.title, price: attrs.price, version: attrs.version } },
      { upsert: true, new: true, runValidators: true, session: session ?? null },
    );
    if (!replica) throw new Error(`Ticket ${attrs.id} was not stored`);
    return replica;
  },
);

ticketSchema.static(
  'findByEvent',
  function findByEvent(event: { id: string; version: number }, session?: ClientSession) {
    return Ticket.findOne({ _id: event.id, version: event.version - 1 }).session(session ?? null);
  },
);

ticketSchema.method(
  'isReserved',
  async function isReserved(this: TicketDoc, session?: ClientSession) {
    // The model is looked up by name: order.ts imports this file, not the other way round.
    const found = await mongoose
      .model('Order')
      .exists({ ticket: this._id, status: { $in: RESERVING_STATUSES } })
      .session(session ?? null);
    return found !== null;
  },
);

ticketSchema.method(
  'claimForReservation',
  async function claimForReservation(this: TicketDoc, session: ClientSession) {
    await Ticket.updateOne(
      { _id: this._id },
      { $set: { reservationToken: new mongoose.Types.ObjectId() } },
      { session },
    );
  },
);

export const Ticket = mongoose.model<TicketFields, TicketModel>('Ticket', ticketSchema);

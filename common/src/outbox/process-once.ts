import type { ClientSession, Connection } from 'mongoose';
import type { EventMessage } from '../messaging/event-message';
import { inboxEventModel } from './outbox-models';
import { withTransaction } from './with-transaction';

/** What {@link processOnce} did: ran the effect, or found the event already handled. */
export type ProcessOutcome = 'processed' | 'duplicate';

/** Which delivery {@link processOnce} handles. */
export interface ProcessOnceTarget {
  /** The listener's queue group: each service records its own handling of an event. */
  queueGroup: string;
  /** The delivery; only `eventId` (stable across redeliveries) and `subject` are read. */
  msg: Pick<EventMessage, 'eventId' | 'subject'>;
}

/** Thrown inside the transaction to abort it when the inbox already holds the event. */
class AlreadyProcessed extends Error {
  override readonly name = 'AlreadyProcessed';
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}

/**
 * The inbox: runs a listener's effect at most once per (queue group, event id), however
 * often the event is delivered.
 *
 * One transaction inserts the inbox record `<queueGroup>:<eventId>` first, then runs
 * `effect(session)`, then commits. If the record already exists the transaction is
 * aborted before the effect runs and the result is `'duplicate'`. If the effect throws,
 * the record is rolled back with everything else, so a redelivery runs it again. Two
 * deliveries racing on two replicas write-conflict; the loser is retried and then sees
 * the duplicate. Ack the message only after this resolves.
 *
 * The effect runs inside {@link withTransaction}: it may be re-run on a transient
 * error, so it must touch only the database, through `session` (record follow-up
 * events with the `Outbox` on the same session).
 *
 * @example
 * async onMessage(data: OrderCreatedEvent['data'], msg: EventMessage) {
 *   await processOnce(mongoose.connection, { queueGroup: this.queueGroupName, msg }, async (session) => {
 *     const ticket = await Ticket.findById(data.ticket.id).session(session);
 *     ...
 *   });
 *   msg.ack();
 * }
 */
export async function processOnce(
  connection: Connection,
  target: ProcessOnceTarget,
  effect: (session: ClientSession) => Promise<void>,
): Promise<ProcessOutcome> {
  const inbox = inboxEventModel(connection);
  const record = {
    _id: `${target.queueGroup}:${target.msg.eventId}`,
    subject: target.msg.subject,
    processedAt: new Date(),
  };
  try {
    await withTransaction(connection, async (session) => {
      try {
        await inbox.create([record], { session });
      } catch (err) {
        // Only the inbox insert's duplicate means "done before"; the effect's own
        // duplicate-key errors must surface as failures.
        if (isDuplicateKey(err)) throw new AlreadyProcessed();
        throw err;
      }
      await effect(session);
    });
    return 'processed';
  } catch (err) {
    if (err instanceof AlreadyProcessed) return 'duplicate';
    throw err;
  }
}

import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `work` in one MongoDB transaction on `connection` and resolves with its result
 * once committed.
 *
 * Built on mongoose's `connection.transaction()`, so it behaves like the driver's
 * `session.withTransaction`: a `TransientTransactionError` (a write conflict with a
 * concurrent transaction, a failover) re-runs `work` from the start, and an
 * `UnknownTransactionCommitResult` retries the commit. `work` must therefore do all of
 * its reads and writes through `session` and keep no side effects outside the database
 * (publish through the outbox, not directly). Any other error aborts and rejects.
 *
 * Outbox events recorded in it go out as soon as it ends: the relay is nudged.
 *
 * @example
 * const ticket = await withTransaction(mongoose.connection, async (session) => {
 *   const ticket = await Ticket.build(attrs).save({ session });
 *   await outbox.record(session, Subjects.TicketCreated, toEventData(ticket));
 *   return ticket;
 * });
 */
export function withTransaction<T>(
  connection: Connection,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  return connection.transaction((session) => work(session));
}

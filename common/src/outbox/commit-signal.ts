import type { ClientSession, Connection } from 'mongoose';

/*
 * How a committed outbox event reaches the relay at once instead of at its next poll:
 * `Outbox.record` marks the session, and when that session ends the relays started on
 * the same connection are nudged. Listening for the session's end (rather than wrapping
 * the commit) works however the caller ran the transaction; a nudge after an abort only
 * costs the relay one empty look.
 */

const subscribers = new WeakMap<Connection, Set<() => void>>();
const markedSessions = new WeakSet<ClientSession>();

/** Calls `nudge` whenever a session that recorded outbox events on `connection` ends. Returns the unsubscribe function. */
export function onOutboxCommit(connection: Connection, nudge: () => void): () => void {
  let set = subscribers.get(connection);
  if (!set) {
    set = new Set();
    subscribers.set(connection, set);
  }
  set.add(nudge);
  return () => {
    set.delete(nudge);
  };
}

/** Arranges for the connection's relays to be nudged when `session` ends. */
export function nudgeWhenSessionEnds(connection: Connection, session: ClientSession): void {
  if (markedSessions.has(session)) return;
  markedSessions.add(session);
  session.once('ended', () => {
    markedSessions.delete(session);
    for (const nudge of subscribers.get(connection) ?? []) nudge();
  });
}

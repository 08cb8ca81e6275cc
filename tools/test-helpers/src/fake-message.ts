import { randomUUID } from 'node:crypto';
import type { EventMessage } from '@ticketing/common';

/**
 * A delivery as a listener's `onMessage(data, msg)` gets it: first delivery, a fresh
 * event id, `ack` a jest mock to assert on. Pass the event id and a higher
 * `deliveryCount` to build a redelivery of the same event.
 * Call it inside jest (it uses the `jest` global).
 */
export function fakeMessage(
  subject: string,
  overrides: Partial<Omit<EventMessage, 'ack'>> = {},
): EventMessage & { ack: jest.Mock<void, []> } {
  return {
    ack: jest.fn<void, []>(),
    deliveryCount: 1,
    eventId: randomUUID(),
    sequence: 1,
    subject,
    ...overrides,
  };
}

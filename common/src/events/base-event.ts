import type { Subjects } from './subjects';

/** The shape every event contract has: the subject it travels on and its payload. */
export interface Event {
  subject: Subjects;
  data: object;
}

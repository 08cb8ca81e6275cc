export { Outbox, type OutboxEventData } from './outbox';
export {
  ensureOutboxCollections,
  type InboxEventRecord,
  inboxEventModel,
  type OutboxEventRecord,
  type OutboxLeaseRecord,
  outboxEventModel,
  outboxLeaseModel,
} from './outbox-models';
export {
  type OutboxServiceReadinessSources,
  outboxRelayReadinessCheck,
  outboxServiceReadinessChecks,
} from './outbox-readiness-checks';
export {
  OutboxRelay,
  type OutboxRelayEvents,
  type OutboxRelayOptions,
  type OutboxRelayStatus,
} from './outbox-relay';
export {
  type OutboxServiceShutdownTargets,
  outboxServiceShutdownSteps,
} from './outbox-service-shutdown-steps';
export { type ProcessOnceTarget, type ProcessOutcome, processOnce } from './process-once';
export { TransactionalListener } from './transactional-listener';
export { withTransaction } from './with-transaction';

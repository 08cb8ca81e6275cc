export {
  type ConnectMongoOptions,
  connectMongo,
  mongoReadinessCheck,
} from './connect-mongo';
export {
  createServiceApp,
  type ServiceAppOptions,
  type SessionCookieOptions,
  sessionCookieOptions,
} from './create-service-app';
export {
  type ClosableServer,
  installShutdown,
  type ProcessEventSource,
  type ShutdownHandle,
  type ShutdownOptions,
  type ShutdownStep,
} from './install-shutdown';
export { listen } from './listen';
export {
  ConfigError,
  type LoadConfigOptions,
  loadConfigOrExit,
  missingKeyIssue,
  parseConfig,
} from './parse-config';
export {
  type CheckResult,
  createProbeRouter,
  type ProbeRouter,
  type ProbeRouterOptions,
  type ReadinessBody,
  type ReadinessCheck,
} from './probe-router';
export { listenersReadinessCheck, messagingReadinessCheck } from './readiness-checks';
export { mongoEnvSchema, serviceEnvSchema, toServiceConfig } from './service-env-schema';
export { type SessionConfig, sessionEnvSchema, toSessionConfig } from './session-env-schema';

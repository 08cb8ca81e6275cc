export {
  type Gateway,
  type GatewayOptions,
  type GatewayRoute,
  matchRoute,
  startGateway,
} from './gateway';
export type { ExitStatus } from './service-process';
export {
  type LogLevel,
  ROUTES,
  SERVICE_NAMES,
  type ServiceName,
  type Stack,
  type StackInfrastructure,
  type StackOptions,
  type StackService,
  startStack,
} from './stack';

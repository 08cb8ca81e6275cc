export { fakeMessage } from './fake-message';
export { getFreePort } from './free-port';
export { useMongo, useNats, useRedis } from './jest-hooks';
export {
  type ManagedServer,
  ServerStartError,
  type ServerStartFailure,
  type StopOptions,
} from './managed-server';
export { type MockMessagingWrapper, mockMessagingWrapper } from './mock-messaging-wrapper';
export { type MongoHandle, type MongoOptions, startMongo } from './mongo';
export {
  type MongoBinaryChoice,
  type MongoBinarySource,
  type ResolveMongoBinaryOptions,
  resolveEngineBinary,
  resolveMongoBinary,
} from './mongo-binary';
export { type NatsOptions, type NatsServer, startNats } from './nats';
export { type RedisOptions, type RedisServer, startRedis } from './redis';
export { sessionCookie } from './session-cookie';
export {
  type MongooseDatabaseOptions,
  type MongooseLike,
  useMongooseDatabase,
} from './use-mongoose-database';

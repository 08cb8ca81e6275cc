export type { EngineApi, EngineOptions } from './engine';
export { CommandError, commandError, type ErrorCodeName, ErrorCodes } from './errors';
export { type CommandLine, CommandLineError, parseCommandLine } from './server/command-line';
export {
  type EngineServerOptions,
  type RunningEngineServer,
  startEngineServer,
} from './server/engine-server';
export type { LogSink } from './server/server-log';
export { MAX_WIRE_VERSION, SERVER_VERSION } from './server/server-version';

export * from './errors';
export * from './events';
export * from './logger';
export * from './messaging';
export * from './middlewares';
export * from './outbox';
export * from './service';

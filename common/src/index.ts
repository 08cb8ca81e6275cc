export * from './errors';
export * from './events';
export * from './messaging';
export * from './middlewares';

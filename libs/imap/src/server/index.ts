export * from './errors';
export * from './message-parts';
export * from './mime-renderer';
export * from './server';
export * from './session';
export * from './store';

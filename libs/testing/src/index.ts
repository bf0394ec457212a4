export * from './test-env';
export * from './http';
export * from './processes';

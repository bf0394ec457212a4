export * from './logger';
export * from './metrics';
export * from './connection-id';
export * from './observability.module';
export * from './boot';
export * from './health-server';

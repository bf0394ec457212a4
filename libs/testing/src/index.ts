export * from './test-env';
export * from './http';
export * from './processes';
export * from './recording-mx';
export * from './certificates';
export * from './dns-server';
export * from './smtp-peer';

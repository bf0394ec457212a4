export * from './jobs';
export * from './redis';
export * from './queue.module';

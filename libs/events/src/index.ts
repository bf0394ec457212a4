export * from './events.service';
export * from './suppressions.service';
export * from './events.module';

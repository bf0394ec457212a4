export * from './accounts.service';
export * from './api-keys.service';
export * from './accounts.module';

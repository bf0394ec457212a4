export * from './names';
export * from './dkim-keys';
export * from './dns-records';
export * from './domains.service';
export * from './addresses.service';
export * from './aliases.service';
export * from './domains.module';

export * from './resolver';
export * from './mx';
export * from './mta-sts';

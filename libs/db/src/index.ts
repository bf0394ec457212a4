export * from './entities';
export * from './data-source';
export * from './db.module';
export * from './ids';
export * from './pagination';
export * from './prepare';
export * from './blobs';

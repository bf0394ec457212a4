export * from './reply-reader';
export * from './smtp-client';
export { chooseMechanism } from './auth';
export * from './socks5';

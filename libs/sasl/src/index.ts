export { InvalidPasswordError, normalizeAddressLocalpart, normalizePassword } from './precis';
export type { InvalidPasswordReason } from './precis';
export { cramMd5Response, cramMd5Secret } from './md5-state';
export type { CramMd5Secret } from './md5-state';
export {
  DEFAULT_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  deriveScramSecret,
  scramServerSignature,
  verifyScramClientProof,
} from './scram-secret';
export type { DeriveScramSecretOptions, ScramHash, ScramSecret } from './scram-secret';
export { hashPassword, verifyPassword } from './password-hash';
export { derivePasswordSecrets } from './password-secrets';
export type { PasswordSecrets } from './password-secrets';
export { ScramClient } from './scram-client';
export type { ScramClientOptions } from './scram-client';
export * from './server';

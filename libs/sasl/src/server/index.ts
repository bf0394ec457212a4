export { createSaslServer, isSaslMechanism, saslMechanisms } from './sasl-server';
export type { SaslAdvertiseOptions } from './sasl-server';
export { decodeSaslResponse } from './response';
export { serverChannelBinding } from './tls-channel-binding';
export { SASL_MECHANISMS } from './types';
export type {
  SaslAccount,
  SaslChannelBinding,
  SaslFailure,
  SaslFailureReason,
  SaslIdentity,
  SaslMechanism,
  SaslServerOptions,
  SaslSession,
  SaslStep,
} from './types';
export { checkPassword } from './password-check';

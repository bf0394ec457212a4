/**
 * Parsing the client's SCRAM messages (RFC 5802 7). A parse error is the server-error-value
 * (RFC 5802 7) the exchange fails with.
 */

import { BASE64, decodeUtf8 } from './common';

/** RFC 5802 7 server-error-value, the subset this server sends. */
export type ScramError =
  | 'invalid-encoding'
  | 'extensions-not-supported'
  | 'invalid-proof'
  | 'channel-bindings-dont-match'
  | 'server-does-support-channel-binding'
  | 'channel-binding-not-supported'
  | 'unsupported-channel-binding-type'
  | 'invalid-username-encoding'
  | 'other-error';

/** RFC 5802 7 gs2-cbind-flag: "p=" cb-name, "n" or "y". */
export type Gs2ChannelBindingFlag = { flag: 'n' } | { flag: 'y' } | { flag: 'p'; name: string };

export interface ClientFirstMessage {
  binding: Gs2ChannelBindingFlag;
  /** gs2-header, with its trailing comma: what `c=` must echo (RFC 5802 7 cbind-input). */
  gs2Header: string;
  authzid: string | undefined;
  username: string;
  nonce: string;
  /** client-first-message-bare, the first part of AuthMessage (RFC 5802 3). */
  bare: string;
}

export interface ClientFinalMessage {
  channelBinding: Buffer;
  nonce: string;
  proof: Buffer;
  /** client-final-message-without-proof, the last part of AuthMessage (RFC 5802 3). */
  withoutProof: string;
}

export type Parsed<T> = { message: T } | { error: ScramError };

const CB_NAME = /^p=([A-Za-z0-9.-]+)$/;
// RFC 5802 7: printable = %x21-2B / %x2D-7E (no comma).
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const ATTRIBUTE = /^[A-Za-z]=/;

/** RFC 5802 5.1: in a saslname "," is "=2C" and "=" is "=3D"; any other "=" fails the exchange. */
function decodeSaslName(value: string): string | undefined {
  if (value === '' || /=(?!2C|3D)/.test(value)) {
    return undefined;
  }
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function decodeBase64(value: string): Buffer | undefined {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

function attribute(part: string | undefined, name: string): string | undefined {
  return part?.startsWith(`${name}=`) ? part.slice(2) : undefined;
}

/** client-first-message = gs2-header client-first-message-bare (RFC 5802 7). */
export function parseClientFirst(bytes: Buffer): Parsed<ClientFirstMessage> {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return { error: 'invalid-encoding' };
  }
  const parts = text.split(',');
  if (parts.length < 4) {
    return { error: 'invalid-encoding' };
  }
  const [flagPart, authzidPart, ...bareParts] = parts;
  let binding: Gs2ChannelBindingFlag;
  const cbName = CB_NAME.exec(flagPart);
  if (flagPart === 'n' || flagPart === 'y') {
    binding = { flag: flagPart };
  } else if (cbName) {
    binding = { flag: 'p', name: cbName[1] };
  } else {
    return { error: 'invalid-encoding' };
  }
  let authzid: string | undefined;
  if (authzidPart !== '') {
    authzid = decodeSaslName(attribute(authzidPart, 'a') ?? '');
    if (authzid === undefined) {
      return { error: 'invalid-username-encoding' };
    }
  }
  // RFC 5802 5.1: "m" is reserved for mandatory extensions; none is defined, so it must fail.
  if (bareParts[0].startsWith('m=')) {
    return { error: 'extensions-not-supported' };
  }
  const rawUsername = attribute(bareParts[0], 'n');
  const nonce = attribute(bareParts[1], 'r');
  if (rawUsername === undefined || nonce === undefined || !PRINTABLE.test(nonce) || !bareParts.slice(2).every((p) => ATTRIBUTE.test(p))) {
    return { error: 'invalid-encoding' };
  }
  const username = decodeSaslName(rawUsername);
  if (username === undefined) {
    return { error: 'invalid-username-encoding' };
  }
  const gs2Header = `${flagPart},${authzidPart},`;
  return { message: { binding, gs2Header, authzid, username, nonce, bare: text.slice(gs2Header.length) } };
}

/** client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 7). */
export function parseClientFinal(bytes: Buffer): Parsed<ClientFinalMessage> {
  const text = decodeUtf8(bytes);
  const parts = text?.split(',') ?? [];
  if (text === undefined || parts.length < 3) {
    return { error: 'invalid-encoding' };
  }
  const channelBinding = decodeBase64(attribute(parts[0], 'c') ?? '');
  const nonce = attribute(parts[1], 'r');
  const proof = decodeBase64(attribute(parts[parts.length - 1], 'p') ?? '');
  const extensions = parts.slice(2, -1);
  if (!channelBinding?.length || !nonce || !proof?.length || !extensions.every((p) => ATTRIBUTE.test(p))) {
    return { error: 'invalid-encoding' };
  }
  const withoutProof = text.slice(0, text.lastIndexOf(','));
  return { message: { channelBinding, nonce, proof, withoutProof } };
}

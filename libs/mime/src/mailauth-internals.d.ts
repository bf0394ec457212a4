// Types for the part of mailauth's signer that libs/mime extends (dkim-sign.ts). mailauth
// publishes types only for its entry points; this internal class is what dkimSign wraps.
declare module 'mailauth/lib/dkim/dkim-signer' {
  import { Writable } from 'node:stream';
  import type { DKIMSignError, DKIMSignOptions } from 'mailauth';

  export interface ParsedHeaderLine {
    key: string;
    casedKey: string;
    line: Buffer;
  }

  export interface ParsedHeaders {
    parsed: ParsedHeaderLine[];
    original: Buffer;
  }

  export interface DkimSignerOptions {
    canonicalization?: string;
    signTime?: Date;
    headerList?: string | string[];
    signatureData: (Omit<DKIMSignOptions, 'signatureData'> & { signingDomain: string })[];
  }

  export class DkimSigner extends Writable {
    constructor(options: DkimSignerOptions);
    signatureHeaders: string[];
    errors: DKIMSignError[];
    messageHeaders(headers: ParsedHeaders): Promise<void>;
  }
}

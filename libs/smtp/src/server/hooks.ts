/**
 * The seam between the SMTP listener (protocol, in this lib) and what a listener is for
 * (inbound delivery on the MX, queueing on submission), implemented by apps/mta. The
 * listener owns syntax, TLS, AUTH, limits and replies; a hook decides about addresses and
 * messages and answers with an SmtpReplyError to refuse.
 */

/** What a hook knows about the SMTP session it is called for. */
export interface SmtpSessionInfo {
  /** Connection id, also shown in the greeting and in error replies. */
  id: string;
  remoteAddress: string;
  remotePort: number;
  /** The EHLO/HELO argument. */
  clientHostname: string;
  /** Reverse DNS name of the peer, when looked up. */
  reverseHostname?: string;
  /** Set once TLS is up (implicit or after STARTTLS). */
  tls?: { protocol: string; cipher: string; servername?: string };
  /** Set after AUTH (submission only). */
  user?: { accountId: string; username: string; mechanism: string };
}

/** MAIL FROM and its parameters (RFC 5321 4.1.1.2; BODY, SMTPUTF8, REQUIRETLS, HOLDFOR/HOLDUNTIL). */
export interface SmtpMailFrom {
  /** The reverse path; '' for the null sender `<>`. */
  address: string;
  params: Record<string, string | true>;
  /** RFC 4865 FUTURERELEASE (submission): the release time from HOLDFOR/HOLDUNTIL, already checked. */
  holdUntil?: Date;
}

export interface SmtpEnvelope {
  mailFrom: SmtpMailFrom;
  /** Accepted RCPT TO addresses, in order. */
  recipients: string[];
}

/** A refusal (or a non-default success reply) with the reply code, enhanced status code and text. */
export class SmtpReplyError extends Error {
  constructor(
    readonly code: number,
    readonly enhanced: string,
    text: string,
    /** Whether the peer caused it (logged at a lower level) or we did. */
    readonly peerCaused = true,
  ) {
    super(text);
    this.name = 'SmtpReplyError';
  }
}

export interface SmtpSessionHooks {
  /** MAIL FROM: refuse a sender (e.g. a submission From the account may not use). */
  checkMailFrom?(session: SmtpSessionInfo, mailFrom: SmtpMailFrom): Promise<void>;
  /** RCPT TO: refuse an unknown recipient (550 5.1.1) or over-quota account (452 4.2.2). */
  checkRecipient?(session: SmtpSessionInfo, address: string, envelope: SmtpEnvelope): Promise<void>;
  /**
   * End of DATA: the whole message as received (CRLF line ends, dot-unstuffed, without the
   * final `.`). Resolves when the message is stored durably; the listener then answers 250
   * (with `queueId` in the text when given). Throw SmtpReplyError to refuse the message.
   */
  onMessage(session: SmtpSessionInfo, envelope: SmtpEnvelope, raw: Buffer): Promise<{ queueId?: string } | void>;
}

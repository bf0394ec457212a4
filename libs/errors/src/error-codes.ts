/**
 * Stable error codes. Clients match on these; the HTTP status and title belong to the
 * code, so every place that raises one answers the same way.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  AccountKeyRequired = 'account_key_required',
  NotFound = 'not_found',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  Conflict = 'conflict',
  DomainExists = 'domain_exists',
  DomainInUse = 'domain_in_use',
  AccountExists = 'account_exists',
  AddressExists = 'address_exists',
  AliasExists = 'alias_exists',
  InvalidAddress = 'invalid_address',
  InvalidDomain = 'invalid_domain',
  InvalidPassword = 'invalid_password',
  UnknownDomain = 'unknown_domain',
  UnknownAccount = 'unknown_account',
  PayloadTooLarge = 'payload_too_large',
  NoRecipients = 'no_recipients',
  FromNotAllowed = 'from_not_allowed',
  DomainDisabled = 'domain_disabled',
  MessageTooLarge = 'message_too_large',
  SendLimitReached = 'send_limit_reached',
  IdempotencyKeyReused = 'idempotency_key_reused',
  InvalidMessage = 'invalid_message',
  RecipientNotWaiting = 'recipient_not_waiting',
  InvalidWebhookUrl = 'invalid_webhook_url',
  UnsupportedMediaType = 'unsupported_media_type',
  InvalidMailboxName = 'invalid_mailbox_name',
  MailboxExists = 'mailbox_exists',
  MailboxProtected = 'mailbox_protected',
  QuotaExceeded = 'quota_exceeded',
  Internal = 'internal_error',
}

export interface ErrorCodeInfo {
  status: number;
  title: string;
}

export const ERROR_CODES: Record<ErrorCode, ErrorCodeInfo> = {
  [ErrorCode.ValidationFailed]: { status: 400, title: 'Request validation failed' },
  [ErrorCode.MalformedJson]: { status: 400, title: 'Malformed JSON body' },
  [ErrorCode.Unauthenticated]: { status: 401, title: 'Missing or invalid API key' },
  [ErrorCode.Forbidden]: { status: 403, title: 'This API key may not do that' },
  [ErrorCode.AccountKeyRequired]: { status: 403, title: 'An account API key is required' },
  [ErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [ErrorCode.RouteNotFound]: { status: 404, title: 'No such endpoint' },
  [ErrorCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [ErrorCode.Conflict]: { status: 409, title: 'Conflict' },
  [ErrorCode.DomainExists]: { status: 409, title: 'Domain already exists' },
  [ErrorCode.DomainInUse]: { status: 409, title: 'Domain still has addresses or aliases' },
  [ErrorCode.AccountExists]: { status: 409, title: 'Account already exists' },
  [ErrorCode.AddressExists]: { status: 409, title: 'Address or alias already exists' },
  [ErrorCode.AliasExists]: { status: 409, title: 'Alias already exists' },
  [ErrorCode.InvalidAddress]: { status: 422, title: 'Invalid email address' },
  [ErrorCode.InvalidDomain]: { status: 422, title: 'Invalid domain name' },
  [ErrorCode.InvalidPassword]: { status: 422, title: 'Invalid password' },
  [ErrorCode.UnknownDomain]: { status: 422, title: 'Domain is not configured' },
  [ErrorCode.UnknownAccount]: { status: 422, title: 'Account does not exist' },
  [ErrorCode.PayloadTooLarge]: { status: 413, title: 'Request body too large' },
  [ErrorCode.NoRecipients]: { status: 422, title: 'The message has no recipients' },
  [ErrorCode.FromNotAllowed]: { status: 403, title: 'This account may not send from that address' },
  [ErrorCode.DomainDisabled]: { status: 422, title: 'The sending domain is disabled' },
  [ErrorCode.MessageTooLarge]: { status: 413, title: 'Message larger than the size limit' },
  [ErrorCode.SendLimitReached]: { status: 429, title: 'Send limit reached' },
  [ErrorCode.IdempotencyKeyReused]: { status: 422, title: 'Idempotency key reused with a different request' },
  [ErrorCode.InvalidMessage]: { status: 422, title: 'The message is not valid RFC 5322' },
  [ErrorCode.RecipientNotWaiting]: { status: 409, title: 'The recipient is no longer waiting' },
  [ErrorCode.InvalidWebhookUrl]: { status: 422, title: 'The webhook URL is not allowed' },
  [ErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported media type' },
  [ErrorCode.InvalidMailboxName]: { status: 422, title: 'Invalid mailbox name' },
  [ErrorCode.MailboxExists]: { status: 409, title: 'Mailbox already exists' },
  [ErrorCode.MailboxProtected]: { status: 409, title: 'This mailbox cannot be deleted' },
  [ErrorCode.QuotaExceeded]: { status: 507, title: 'Mailbox quota exceeded' },
  [ErrorCode.Internal]: { status: 500, title: 'Internal server error' },
};

export interface FieldError {
  /** The JSON path of the bad field, e.g. `members[1]`. */
  field: string;
  message: string;
}

/** An error in Postern's domain, carrying a stable code; the API maps it to problem details. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function notFound(kind: string, id: string): DomainError {
  return new DomainError(ErrorCode.NotFound, `${kind} '${id}' not found`);
}

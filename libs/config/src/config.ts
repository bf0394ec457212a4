import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/** Thrown at boot when the environment is wrong; its message is the one line the operator sees. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ListenerPorts {
  http: number;
  smtp: number;
  submission: number;
  submissions: number;
  imap: number;
  imaps: number;
  workerHealth: number;
  mtaHealth: number;
}

/**
 * The whole configuration, validated once at boot. Nothing else in Postern reads
 * process.env: every app receives this object.
 */
export interface AppConfig {
  /** Local mode: everything on this machine, shifted ports, a ready account. */
  localMode: boolean;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key Postern writes (BullMQ queues included). */
  redisPrefix: string;
  hostname: string;
  /** Address the listeners bind to. */
  bindAddress: string;
  ports: ListenerPorts;
  /**
   * The default certificate (the one naming the hostname, else the first) and any others, for
   * SNI: POSTERN_TLS_CERT/KEY may list several comma-separated paths, pairwise.
   */
  tls: { certPath: string; keyPath: string; additional: { certPath: string; keyPath: string }[] } | null;
  dataDir: string;
  logLevel: LogLevel;
  /** Public base URL of the HTTP API, used in printed instructions. */
  httpUrl: string;
  delivery: DeliveryConfig;
  webhooks: WebhooksConfig;
  inbound: InboundConfig;
  smtp: SmtpListenersConfig;
}

/** The SMTP listeners (MX and submission): limits per remote network, timeouts, sizes. */
export interface SmtpListenersConfig {
  /** Largest message the MX accepts, in bytes (submission uses delivery.maxMessageBytes). */
  maxMessageBytes: number;
  /** RFC 9422 LIMITS RCPTMAX: recipients per transaction. */
  rcptMax: number;
  /** Per remote host (/32, /64); its /26 and /21 (/48, /32) get 4× and 16×. */
  connectionsPerMinute: number;
  concurrentConnections: number;
  messagesPerMinute: number;
  messagesPerDay: number;
  bytesPerMinute: number;
  bytesPerDay: number;
  /** Failed AUTH attempts per hour from one address before AUTH is refused (replies slow down after 3). */
  authFailuresPerHour: number;
  /** Added to AUTH replies per failure past the third, in milliseconds. */
  authFailureDelayMs: number;
  /** Idle seconds allowed while waiting for the client. */
  timeoutSeconds: number;
  /** Wait before the greeting to catch early talkers (at most 100 ms). */
  greetingDelayMs: number;
}

export interface WebhooksConfig {
  /** Allow receivers on loopback and private addresses (local mode's default); otherwise refused (SSRF). */
  allowPrivate: boolean;
  /** Seconds before each retry of a failed webhook delivery; then it fails. */
  retrySchedule: number[];
  /** Hours a rotated-out secret keeps signing beside the new one. */
  secretOverlapHours: number;
}

/** Receiving on the MX: the delays that slow down address harvesting and first-time senders. */
export interface InboundConfig {
  /** Wait before answering 550 5.1.1 to an unknown recipient, in milliseconds. */
  unknownRecipientDelayMs: number;
  /** Wait before answering the end of DATA from a sender domain never seen before, in milliseconds. */
  firstTimeSenderDelayMs: number;
}

/** Sending: limits, the retry schedule and how the worker reaches other servers. */
export interface DeliveryConfig {
  /**
   * `direct`: deliver to the recipients' MX hosts. `local` (local mode's default): never
   * leave this machine; recipient local parts simulate outcomes (see libs/outbound).
   */
  outbound: 'direct' | 'local';
  /** Largest message accepted for sending, in bytes. */
  maxMessageBytes: number;
  /** Seconds to wait before each retry after a temporary failure; then the recipient fails. */
  retrySchedule: number[];
  /** Delivery jobs one worker runs at once. */
  concurrency: number;
  /** Concurrent connections one worker opens to one destination domain. */
  connectionsPerDomain: number;
  /** Port of remote MX hosts (25; tests point it at a local peer). */
  remoteSmtpPort: number;
  /** DNS servers (`ip` or `ip:port`) for MX, MTA-STS and address lookups; null: the system's. */
  dnsServers: string[] | null;
  /** Port of MTA-STS policy hosts (443; tests point it at a local server). */
  mtaStsPort: number;
  /** Extra trusted CA certificates (PEM file) for outgoing TLS, added to the system's. */
  caFile: string | null;
  /** How often the reconciler re-enqueues due recipients that have no job. */
  reconcileSeconds: number;
  /** A worker's claim on recipients it delivers, renewed while it works; a dead worker's claim lapses after this. */
  leaseSeconds: number;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every variable Postern reads, with its meaning; .env.example and the README mirror this. */
export const CONFIG_VARIABLES = {
  POSTERN_MODE: 'local (default) or production',
  DATABASE_URL: 'PostgreSQL connection URL',
  REDIS_URL: 'Redis connection URL',
  POSTERN_REDIS_PREFIX: 'prefix for every Redis key',
  POSTERN_HOSTNAME: 'the mail server host name (MX, EHLO, greetings)',
  POSTERN_BIND_ADDRESS: 'address every listener binds to',
  POSTERN_HTTP_PORT: 'HTTP API port',
  POSTERN_SMTP_PORT: 'inbound SMTP (MX) port',
  POSTERN_SUBMISSION_PORT: 'SMTP submission port (STARTTLS)',
  POSTERN_SUBMISSIONS_PORT: 'SMTP submission port (implicit TLS)',
  POSTERN_IMAP_PORT: 'IMAP port (STARTTLS)',
  POSTERN_IMAPS_PORT: 'IMAP port (implicit TLS)',
  POSTERN_WORKER_HEALTH_PORT: 'health port of the worker app',
  POSTERN_MTA_HEALTH_PORT: 'health port of the MTA app',
  POSTERN_TLS_CERT: 'path of the PEM certificate chain (comma-separated for several, picked by SNI)',
  POSTERN_TLS_KEY: 'path of the PEM private key (comma-separated, one per certificate)',
  POSTERN_DATA_DIR: 'directory for local state (certificates, local credentials)',
  POSTERN_HTTP_URL: 'public base URL of the HTTP API',
  POSTERN_OUTBOUND: 'direct (deliver to MX hosts) or local (simulate outcomes on this machine); default local in local mode',
  POSTERN_MAX_MESSAGE_SIZE: 'largest message accepted for sending, in bytes (default 52428800)',
  POSTERN_RETRY_SCHEDULE: 'waits before each retry, comma-separated durations (default 7.5m,15m,30m,1h,2h,4h,8h,16h)',
  POSTERN_DELIVERY_CONCURRENCY: 'delivery jobs one worker runs at once (default 50)',
  POSTERN_CONNECTIONS_PER_DOMAIN: 'concurrent connections one worker opens to one destination domain (default 10)',
  POSTERN_REMOTE_SMTP_PORT: 'port of remote MX hosts (default 25)',
  POSTERN_DNS_SERVERS: 'comma-separated DNS servers (ip or ip:port) for delivery lookups (default: the system resolver)',
  POSTERN_MTA_STS_PORT: 'HTTPS port of MTA-STS policy hosts (default 443)',
  POSTERN_TLS_CA_FILE: 'extra trusted CA certificates (PEM) for outgoing TLS',
  POSTERN_RECONCILE_SECONDS: 'how often due queue rows without a job are re-enqueued (default 60)',
  POSTERN_DELIVERY_LEASE_SECONDS: "how long a worker's claim on recipients lasts without renewal (default 60)",
  POSTERN_WEBHOOKS_ALLOW_PRIVATE:
    'allow webhook receivers on loopback/private addresses: true or false (default true in local mode, false in production)',
  POSTERN_WEBHOOK_RETRY_SCHEDULE: 'waits before webhook retries (default 5s,5m,30m,2h,5h,10h,10h)',
  POSTERN_WEBHOOK_SECRET_OVERLAP_HOURS: 'hours a rotated-out webhook secret keeps signing (default 24)',
  POSTERN_UNKNOWN_RECIPIENT_DELAY_MS:
    'wait before refusing an unknown recipient on the MX, in ms (default 0 in local mode, 1000 in production)',
  POSTERN_FIRST_TIME_SENDER_DELAY_MS:
    'wait before accepting mail from a never-seen sender domain, in ms (default 0 in local mode, 5000 in production)',
  POSTERN_SMTP_MAX_MESSAGE_SIZE: 'largest message the MX accepts, in bytes (default 52428800)',
  POSTERN_SMTP_RCPT_MAX: 'recipients per SMTP transaction, announced as LIMITS RCPTMAX (default 100)',
  POSTERN_SMTP_CONNECTIONS_PER_MINUTE:
    'new SMTP connections per minute from one IP (default 300, unlimited in local mode; its /26 or /48 4x, /21 or /32 16x)',
  POSTERN_SMTP_CONCURRENT_CONNECTIONS: 'open SMTP connections from one IP (default 50, unlimited in local mode; wider networks 4x and 16x)',
  POSTERN_SMTP_GREETING_DELAY_MS: 'wait before the SMTP greeting to catch early talkers, 0-100 ms (default 100, 0 in local mode)',
  POSTERN_SMTP_MESSAGES_PER_MINUTE: 'messages per minute from one IP (default 1000, unlimited in local mode)',
  POSTERN_SMTP_MESSAGES_PER_DAY: 'messages per day from one IP (default 100000, unlimited in local mode)',
  POSTERN_SMTP_BYTES_PER_MINUTE: 'message bytes per minute from one IP (default 1073741824, unlimited in local mode)',
  POSTERN_SMTP_BYTES_PER_DAY: 'message bytes per day from one IP (default 21474836480, unlimited in local mode)',
  POSTERN_SMTP_AUTH_FAILURES_PER_HOUR: 'failed AUTH attempts per hour from one IP before AUTH is refused (default 30)',
  POSTERN_SMTP_AUTH_FAILURE_DELAY_MS: 'delay added to AUTH replies per failure past the third, in ms (default 1000)',
  POSTERN_SMTP_TIMEOUT_SECONDS: 'idle seconds an SMTP session may wait for the client (default 300)',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent',
} as const;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(name, `must be a port number 0-65535, got '${raw}'`);
  }
  return Number(raw);
}

function url(env: Env, name: string, protocols: string[], fallback: string | undefined): string {
  const raw = env[name] || fallback;
  if (raw === undefined) throw new ConfigError(name, 'is required in production mode');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: '${raw}'`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got '${parsed.protocol}'`);
  }
  return raw;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer ${min}-${max}, got '${raw}'`);
  }
  return Number(raw);
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `7.5m,1h,90s` → seconds. */
export function parseDurations(name: string, raw: string): number[] {
  return raw.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)([smhd])\s*$/.exec(part);
    if (!match) throw new ConfigError(name, `must be comma-separated durations like 7.5m or 1h, got '${part.trim()}'`);
    return Math.round(Number(match[1]) * DURATION_UNITS[match[2]]);
  });
}

function delivery(env: Env, local: boolean): DeliveryConfig {
  const outbound = env.POSTERN_OUTBOUND || (local ? 'local' : 'direct');
  if (outbound !== 'direct' && outbound !== 'local')
    throw new ConfigError('POSTERN_OUTBOUND', `must be 'direct' or 'local', got '${outbound}'`);
  const servers = env.POSTERN_DNS_SERVERS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of servers ?? []) {
    if (!/^[0-9a-fA-F.:[\]]+$/.test(server)) throw new ConfigError('POSTERN_DNS_SERVERS', `not an IP address or ip:port: '${server}'`);
  }
  const caFile = env.POSTERN_TLS_CA_FILE || null;
  if (caFile && !existsSync(caFile)) throw new ConfigError('POSTERN_TLS_CA_FILE', `file not found: '${caFile}'`);
  return {
    outbound,
    maxMessageBytes: integer(env, 'POSTERN_MAX_MESSAGE_SIZE', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    retrySchedule: parseDurations('POSTERN_RETRY_SCHEDULE', env.POSTERN_RETRY_SCHEDULE || '7.5m,15m,30m,1h,2h,4h,8h,16h'),
    concurrency: integer(env, 'POSTERN_DELIVERY_CONCURRENCY', 50, 1, 1000),
    connectionsPerDomain: integer(env, 'POSTERN_CONNECTIONS_PER_DOMAIN', 10, 1, 1000),
    remoteSmtpPort: port(env, 'POSTERN_REMOTE_SMTP_PORT', 25),
    dnsServers: servers && servers.length > 0 ? servers : null,
    mtaStsPort: port(env, 'POSTERN_MTA_STS_PORT', 443),
    caFile: caFile ? resolve(caFile) : null,
    reconcileSeconds: integer(env, 'POSTERN_RECONCILE_SECONDS', 60, 1, 86400),
    leaseSeconds: integer(env, 'POSTERN_DELIVERY_LEASE_SECONDS', 60, 3, 3600),
  };
}

function webhooks(env: Env, local: boolean): WebhooksConfig {
  const allow = env.POSTERN_WEBHOOKS_ALLOW_PRIVATE || (local ? 'true' : 'false');
  if (allow !== 'true' && allow !== 'false')
    throw new ConfigError('POSTERN_WEBHOOKS_ALLOW_PRIVATE', `must be true or false, got '${allow}'`);
  return {
    allowPrivate: allow === 'true',
    retrySchedule: parseDurations('POSTERN_WEBHOOK_RETRY_SCHEDULE', env.POSTERN_WEBHOOK_RETRY_SCHEDULE || '5s,5m,30m,2h,5h,10h,10h'),
    secretOverlapHours: integer(env, 'POSTERN_WEBHOOK_SECRET_OVERLAP_HOURS', 24, 0, 24 * 30),
  };
}

function smtp(env: Env, local: boolean): SmtpListenersConfig {
  const max = Number.MAX_SAFE_INTEGER;
  // Local mode: every client is this machine (tests, benchmarks), so the per-network limits are off by default.
  const limit = (name: string, fallback: number, min: number) => integer(env, name, local ? max : fallback, min, max);
  return {
    maxMessageBytes: integer(env, 'POSTERN_SMTP_MAX_MESSAGE_SIZE', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    rcptMax: integer(env, 'POSTERN_SMTP_RCPT_MAX', 100, 1, 100_000),
    connectionsPerMinute: limit('POSTERN_SMTP_CONNECTIONS_PER_MINUTE', 300, 1),
    concurrentConnections: limit('POSTERN_SMTP_CONCURRENT_CONNECTIONS', 50, 1),
    messagesPerMinute: limit('POSTERN_SMTP_MESSAGES_PER_MINUTE', 1000, 1),
    messagesPerDay: limit('POSTERN_SMTP_MESSAGES_PER_DAY', 100_000, 1),
    bytesPerMinute: limit('POSTERN_SMTP_BYTES_PER_MINUTE', 1024 * 1024 * 1024, 1024),
    bytesPerDay: limit('POSTERN_SMTP_BYTES_PER_DAY', 20 * 1024 * 1024 * 1024, 1024),
    authFailuresPerHour: integer(env, 'POSTERN_SMTP_AUTH_FAILURES_PER_HOUR', 30, 1, max),
    authFailureDelayMs: integer(env, 'POSTERN_SMTP_AUTH_FAILURE_DELAY_MS', 1000, 0, 60_000),
    timeoutSeconds: integer(env, 'POSTERN_SMTP_TIMEOUT_SECONDS', 300, 1, 86_400),
    // Local mode: no early-talker wait, so tests and benchmarks measure the server, not the pause.
    greetingDelayMs: integer(env, 'POSTERN_SMTP_GREETING_DELAY_MS', local ? 0 : 100, 0, 100),
  };
}

function hostname(env: Env, fallback: string | undefined): string {
  const raw = (env.POSTERN_HOSTNAME || fallback)?.toLowerCase();
  if (raw === undefined) throw new ConfigError('POSTERN_HOSTNAME', 'is required in production mode');
  // RFC 1123 host name: labels of letters, digits and hyphens, not starting or ending with '-'.
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (raw.length > 253 || !raw.split('.').every((l) => label.test(l))) {
    throw new ConfigError('POSTERN_HOSTNAME', `is not a valid host name: '${raw}'`);
  }
  return raw;
}

function tls(env: Env): AppConfig['tls'] {
  const cert = env.POSTERN_TLS_CERT;
  const key = env.POSTERN_TLS_KEY;
  if (!cert && !key) return null;
  if (!cert) throw new ConfigError('POSTERN_TLS_CERT', 'must be set when POSTERN_TLS_KEY is');
  if (!key) throw new ConfigError('POSTERN_TLS_KEY', 'must be set when POSTERN_TLS_CERT is');
  const list = (raw: string) =>
    raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  const certs = list(cert);
  const keys = list(key);
  if (certs.length !== keys.length) {
    throw new ConfigError(
      'POSTERN_TLS_KEY',
      `must list as many keys as POSTERN_TLS_CERT lists certificates (${certs.length}), got ${keys.length}`,
    );
  }
  for (const [name, paths] of [
    ['POSTERN_TLS_CERT', certs],
    ['POSTERN_TLS_KEY', keys],
  ] as const) {
    for (const path of paths) if (!existsSync(path)) throw new ConfigError(name, `file not found: '${path}'`);
  }
  const pairs = certs.map((c, i) => ({ certPath: resolve(c), keyPath: resolve(keys[i]) }));
  return { ...pairs[0], additional: pairs.slice(1) };
}

/**
 * Reads and validates the environment. Throws ConfigError naming the first bad variable.
 * `cwd` anchors relative paths (the data directory).
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const mode = env.POSTERN_MODE || 'local';
  if (mode !== 'local' && mode !== 'production') {
    throw new ConfigError('POSTERN_MODE', `must be 'local' or 'production', got '${mode}'`);
  }
  const local = mode === 'local';
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const redisPrefix = env.POSTERN_REDIS_PREFIX || 'postern';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError('POSTERN_REDIS_PREFIX', `must be 1-64 of [A-Za-z0-9_.-], got '${redisPrefix}'`);
  }
  const ports: ListenerPorts = {
    http: port(env, 'POSTERN_HTTP_PORT', local ? 1080 : 8080),
    smtp: port(env, 'POSTERN_SMTP_PORT', local ? 1025 : 25),
    submission: port(env, 'POSTERN_SUBMISSION_PORT', local ? 1587 : 587),
    submissions: port(env, 'POSTERN_SUBMISSIONS_PORT', local ? 1465 : 465),
    imap: port(env, 'POSTERN_IMAP_PORT', local ? 1143 : 143),
    imaps: port(env, 'POSTERN_IMAPS_PORT', local ? 1993 : 993),
    workerHealth: port(env, 'POSTERN_WORKER_HEALTH_PORT', local ? 1081 : 8081),
    mtaHealth: port(env, 'POSTERN_MTA_HEALTH_PORT', local ? 1082 : 8082),
  };
  const bindAddress = env.POSTERN_BIND_ADDRESS || (local ? '127.0.0.1' : '0.0.0.0');
  const host = hostname(env, local ? 'localhost' : undefined);
  const dataDirRaw = env.POSTERN_DATA_DIR || 'data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const httpUrl = url(env, 'POSTERN_HTTP_URL', ['http:', 'https:'], `http://${local ? '127.0.0.1' : host}:${ports.http}`);
  return {
    localMode: local,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], local ? 'postgres://postgres@127.0.0.1:5432/postern' : undefined),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], local ? 'redis://127.0.0.1:6379' : undefined),
    redisPrefix,
    hostname: host,
    bindAddress,
    ports,
    tls: tls(env),
    dataDir,
    logLevel,
    httpUrl: httpUrl.replace(/\/$/, ''),
    delivery: delivery(env, local),
    webhooks: webhooks(env, local),
    inbound: {
      unknownRecipientDelayMs: integer(env, 'POSTERN_UNKNOWN_RECIPIENT_DELAY_MS', local ? 0 : 1000, 0, 60_000),
      firstTimeSenderDelayMs: integer(env, 'POSTERN_FIRST_TIME_SENDER_DELAY_MS', local ? 0 : 5000, 0, 120_000),
    },
    smtp: smtp(env, local),
  };
}

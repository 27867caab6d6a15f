import { Permission } from '../auth/permission.js';

/** MySQL: one URL per host of DATABASE_URL, in its order (the first that answers serves; see failover-pool.ts). */
export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'mysql'; urls: string[] };

export type AuthConfig = (
  | { mode: 'development'; keyFile: string; issuer: string; audience?: string }
  | { mode: 'issuer'; issuer: string; jwksUri?: string; audience?: string }
) & {
  /** How many verified tokens are kept so they are not verified again on every request (0 = none). */
  tokenCacheSize: number;
};

export const BUS_TRANSPORTS = ['none', 'nats', 'rmq', 'redis', 'mqtt', 'kafka'] as const;
export type BusTransport = (typeof BUS_TRANSPORTS)[number];
/** The transports this version connects to (kafka is named by the contract but not offered yet). */
export type ActiveBusTransport = Exclude<BusTransport, 'none' | 'kafka'>;

export type BusConfig =
  | { transport: 'none' }
  | {
      transport: ActiveBusTransport;
      url: string;
      /** Whether this process answers API requests arriving on the bus (events are published either way). */
      serveRequests: boolean;
      /** RabbitMQ queue, NATS queue group and MQTT shared-subscription group of the API requests. */
      requestQueue: string;
    };

/** How many requests one caller may make (see rate-limiter.ts); undefined when turned off. */
export interface RateLimitConfig {
  perSecond: number;
  burst: number;
}

/** What keeps one caller or one slow client from taking the service from the others. */
export interface AbuseLimits {
  rate: RateLimitConfig | undefined;
  /** An HTTP request's line and headers must arrive within this time, ... */
  headersTimeoutMs: number;
  /** ... and the whole request, body included, within this one. */
  requestTimeoutMs: number;
  /** Open connections per port (HTTP, gRPC); more are closed as they come. */
  maxConnections: number;
}

/** Where traces go (OTLP over HTTP), when tracing is on. */
export interface TracingConfig {
  /** The traces URL (`…/v1/traces`). */
  tracesUrl: string;
  serviceName: string;
  /** How long spans wait to be sent in a batch. */
  exportDelayMs: number;
}

/** LOCKOUT_GUARD's values. */
export const LOCKOUT_GUARD_MODES = ['warn', 'enforce'] as const;
export type LockoutGuardMode = (typeof LOCKOUT_GUARD_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The validated configuration. Built once from the environment by `loadConfig` (the only place
 * that reads `process.env`) and injected by this class as the token.
 */
export class AppConfig {
  readonly production: boolean;
  /** The address the HTTP port is bound to (0.0.0.0: every IPv4 interface). */
  readonly httpHost: string;
  readonly httpPort: number;
  /** The address the gRPC port is bound to. */
  readonly grpcHost: string;
  readonly grpcPort: number;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  /** Set when `INSTANCE_ID` is configured; otherwise the stored (or newly generated) id is used. */
  readonly instanceId?: string;
  readonly auth: AuthConfig;
  /** Minimum pause between two JWKS downloads triggered by an unknown `kid`. */
  readonly jwksCooldownMs: number;
  readonly rolePermissions: ReadonlyMap<string, ReadonlySet<Permission>>;
  readonly bus: BusConfig;
  /** Browser origins allowed to call the HTTP port (CORS); `*` is every origin, none by default. */
  readonly corsOrigins: readonly string[];
  readonly migrationsRun: boolean;
  /** How long start-up waits for another process's migration lock before it gives up. */
  readonly migrationLockWaitMs: number;
  readonly logLevel: LogLevel;
  /** What a ZITADEL-compatible write that would lock users out gets: `warn` (made, logged, counted) or `enforce` (refused). */
  readonly lockoutGuard: LockoutGuardMode;
  readonly limits: AbuseLimits;
  /** Undefined: tracing is off. */
  readonly tracing: TracingConfig | undefined;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

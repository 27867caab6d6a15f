import { isIPv4, isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import { parseRolePermissions } from '../auth/role-permissions.js';
import { AbuseLimits, ActiveBusTransport, AppConfig, TracingConfig, AuthConfig, BUS_TRANSPORTS, BusConfig, BusTransport, DatabaseConfig, LOCKOUT_GUARD_MODES, LOG_LEVELS, LockoutGuardMode, LogLevel } from './app-config.js';
import { ConfigError } from './config-error.js';

export type Environment = Record<string, string | undefined>;

/** The issuer written into, and expected in, tokens signed with the local development key. */
export const DEVELOPMENT_ISSUER = 'login-policy-factors:development';
export const SQLITE_FILE_NAME = 'login-policy-factors.sqlite';
export const DEVELOPMENT_KEY_FILE_NAME = 'development-signing-key.json';

/**
 * Reads and validates the whole configuration. The first bad value throws a ConfigError whose
 * message names the variable, the rule and the value that broke it.
 */
export function loadConfig(env: Environment = process.env): AppConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const production = read('NODE_ENV') === 'production';
  const dataDir = resolve(read('DATA_DIR') ?? './data');
  return new AppConfig({
    production,
    httpHost: bindHost(read, 'HTTP_HOST'),
    httpPort: port(read, 'HTTP_PORT', 8080, false),
    grpcHost: bindHost(read, 'GRPC_HOST'),
    grpcPort: port(read, 'GRPC_PORT', 50051, true),
    dataDir,
    database: database(read('DATABASE_URL'), dataDir),
    instanceId: instanceId(read('INSTANCE_ID')),
    auth: auth(read, production, dataDir),
    jwksCooldownMs: integer(read, 'AUTH_JWKS_COOLDOWN_SECONDS', 30, 0, 86_400) * 1000,
    rolePermissions: rolePermissions(read('AUTH_ROLE_PERMISSIONS')),
    bus: bus(read),
    corsOrigins: corsOrigins(read('CORS_ORIGINS')),
    migrationsRun: boolean(read, 'MIGRATIONS_RUN', true),
    migrationLockWaitMs: integer(read, 'MIGRATIONS_LOCK_WAIT_SECONDS', 120, 1, 86_400) * 1000,
    logLevel: oneOf<LogLevel>(read, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    lockoutGuard: oneOf<LockoutGuardMode>(read, 'LOCKOUT_GUARD', LOCKOUT_GUARD_MODES, 'warn'),
    limits: limits(read),
    tracing: tracing(read),
  });
}

type Reader = (name: string) => string | undefined;

function port(read: Reader, name: string, fallback: number, zeroAllowed: boolean): number {
  return integer(read, name, fallback, zeroAllowed ? 0 : 1, 65_535);
}

/** Every IPv4 interface, as the service has always listened. */
export const DEFAULT_BIND_HOST = '0.0.0.0';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** The address a server binds: an IPv4 or IPv6 address (brackets optional) or a host name; never a port or a URL. */
function bindHost(read: Reader, name: string): string {
  const raw = read(name);
  if (raw === undefined) return DEFAULT_BIND_HOST;
  const bracketed = /^\[(.*)\]$/.exec(raw)?.[1];
  // brackets hold an IPv6 address; all digits and dots must be an IPv4 address (not a host name "1.2.3"); a colon means IPv6
  const valid =
    bracketed !== undefined ? isIPv6(bracketed) : /^[\d.]+$/.test(raw) ? isIPv4(raw) : raw.includes(':') ? isIPv6(raw) : HOST_NAME.test(raw);
  if (!valid) {
    throw new ConfigError(`${name} must be an IPv4 address, an IPv6 address or a host name, without a port (like 0.0.0.0, 127.0.0.1, ::, ::1 or localhost), got "${raw}"`);
  }
  return bracketed ?? raw;
}

function integer(read: Reader, name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(read: Reader, name: string, fallback: boolean): boolean {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(read: Reader, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(name: string, raw: string, protocols: string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  return parsed;
}

function database(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined) return { kind: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) };
  return { kind: 'mysql', urls: mysqlHostUrls(raw) };
}

/**
 * DATABASE_URL with one host, or several in the comma form of the MariaDB/MySQL connectors
 * (`mysql://user:pass@host1:3306,host2:3307/db`; a host without a port takes 3306): one URL per
 * host, each with the same credentials, database and options, in the order given.
 */
function mysqlHostUrls(raw: string): string[] {
  const form = 'like mysql://user:pass@host:3306/db or mysql://user:pass@host1:3306,host2:3306/db';
  const match = /^(?:mysql|mariadb):\/\/(?:([^@/?#]*)@)?([^/?#]*)(.*)$/.exec(raw);
  if (!match) throw new ConfigError(`DATABASE_URL must be a URL (mysql:), got "${raw}"`);
  const [, credentials, hostList, rest] = match;
  const hosts = hostList.split(',');
  const urls = hosts.map((host, i) => {
    const where = hosts.length > 1 ? `host ${i + 1} of ${hosts.length}` : 'its host';
    const parts = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(host.trim());
    const name = parts?.[1] ?? '';
    const port = parts?.[2];
    if (name === '' || name === '[]') throw new ConfigError(`DATABASE_URL ${where} is empty (${form}), got "${raw}"`);
    if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535)) {
      throw new ConfigError(`DATABASE_URL ${where} has a bad port "${port}" (1 to 65535), got "${raw}"`);
    }
    return url('DATABASE_URL', `mysql://${credentials === undefined ? '' : `${credentials}@`}${name}:${port ?? 3306}${rest}`, ['mysql:']);
  });
  if (urls[0].pathname.length <= 1) throw new ConfigError(`DATABASE_URL must name a database, ${form}`);
  return urls.map((parsed) => parsed.toString());
}

function instanceId(raw: string | undefined): string | undefined {
  if (raw !== undefined && !/^[1-9]\d{0,19}$/.test(raw)) {
    throw new ConfigError(`INSTANCE_ID must be a numeric string (1 to 20 digits, no leading zero), got "${raw}"`);
  }
  return raw;
}

function auth(read: Reader, production: boolean, dataDir: string): AuthConfig {
  const issuer = read('AUTH_ISSUER');
  const audience = read('AUTH_AUDIENCE');
  const jwksUri = read('AUTH_JWKS_URI');
  const tokenCacheSize = integer(read, 'AUTH_TOKEN_CACHE_SIZE', 10_000, 0, 1_000_000);
  if (issuer === undefined) {
    if (production) {
      throw new ConfigError('AUTH_ISSUER is required when NODE_ENV=production (the development key is never trusted there)');
    }
    if (jwksUri !== undefined) throw new ConfigError('AUTH_JWKS_URI needs AUTH_ISSUER to be set as well');
    const keyFile = join(dataDir, DEVELOPMENT_KEY_FILE_NAME);
    return { mode: 'development', keyFile, issuer: DEVELOPMENT_ISSUER, audience, tokenCacheSize };
  }
  url('AUTH_ISSUER', issuer, ['https:', 'http:']);
  if (jwksUri !== undefined) url('AUTH_JWKS_URI', jwksUri, ['https:', 'http:']);
  return { mode: 'issuer', issuer, jwksUri, audience, tokenCacheSize };
}

function rolePermissions(raw: string | undefined): AppConfig['rolePermissions'] {
  try {
    return parseRolePermissions(raw);
  } catch (error) {
    throw new ConfigError(`AUTH_ROLE_PERMISSIONS ${(error as Error).message}`);
  }
}

/** `https://console.example.com, http://localhost:4200` or `*`: origins only (scheme, host, port). */
function corsOrigins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const origins = raw.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS must be a comma-separated list of origins like https://console.example.com (scheme, host and port, no path or trailing slash) or *, got "${origin}"`);
    }
  }
  return origins;
}

/** Defaults a console, a Terraform run or a migration script never meets (README, Reliability and security). */
function limits(read: Reader): AbuseLimits {
  const perSecond = integer(read, 'RATE_LIMIT_PER_SECOND', 1000, 0, 10_000_000);
  const burst = integer(read, 'RATE_LIMIT_BURST', Math.max(2000, perSecond), 1, 100_000_000);
  if (perSecond === 0 && read('RATE_LIMIT_BURST') !== undefined) throw new ConfigError('RATE_LIMIT_BURST needs RATE_LIMIT_PER_SECOND above 0 (0 turns the rate limit off)');
  const headersTimeoutMs = integer(read, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 3600) * 1000;
  const requestTimeoutMs = integer(read, 'HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600) * 1000;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_SECONDS (${headersTimeoutMs / 1000}) must not be more than HTTP_REQUEST_TIMEOUT_SECONDS (${requestTimeoutMs / 1000}): the headers are part of the request`);
  }
  return {
    rate: perSecond === 0 ? undefined : { perSecond, burst },
    headersTimeoutMs,
    requestTimeoutMs,
    maxConnections: integer(read, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
  };
}

/**
 * OpenTelemetry's own variables: on when an OTLP endpoint is set (and OTEL_SDK_DISABLED is not
 * true). OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the traces URL itself; OTEL_EXPORTER_OTLP_ENDPOINT
 * the base, to which `/v1/traces` is added.
 */
function tracing(read: Reader): TracingConfig | undefined {
  if (boolean(read, 'OTEL_SDK_DISABLED', false)) return undefined;
  const traces = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (traces === undefined && base === undefined) return undefined;
  const tracesUrl = traces ?? `${(base as string).replace(/\/+$/, '')}/v1/traces`;
  url(traces !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT', tracesUrl, ['http:', 'https:']);
  return {
    tracesUrl,
    serviceName: read('OTEL_SERVICE_NAME') ?? 'login-policy-factors',
    exportDelayMs: integer(read, 'OTEL_BSP_SCHEDULE_DELAY', 5000, 0, 600_000),
  };
}

/** Where each transport's broker is by default, and the URL schemes it accepts. */
const BUS_URLS: Record<ActiveBusTransport, { fallback: string; protocols: string[] }> = {
  nats: { fallback: 'nats://127.0.0.1:4222', protocols: ['nats:', 'tls:'] },
  rmq: { fallback: 'amqp://guest:guest@127.0.0.1:5672', protocols: ['amqp:', 'amqps:'] },
  redis: { fallback: 'redis://127.0.0.1:6379', protocols: ['redis:', 'rediss:'] },
  mqtt: { fallback: 'mqtt://127.0.0.1:1883', protocols: ['mqtt:', 'mqtts:', 'ws:', 'wss:'] },
};

function bus(read: Reader): BusConfig {
  const transport = oneOf<BusTransport>(read, 'BUS_TRANSPORT', BUS_TRANSPORTS, 'none');
  if (transport === 'none') {
    for (const name of ['BUS_URL', 'BUS_REQUESTS', 'BUS_REQUEST_QUEUE']) {
      if (read(name) !== undefined) throw new ConfigError(`${name} needs BUS_TRANSPORT to name a transport (nats, rmq, redis or mqtt)`);
    }
    return { transport };
  }
  if (transport === 'kafka') {
    throw new ConfigError('BUS_TRANSPORT=kafka is not available in this version; use nats, rmq, redis or mqtt');
  }
  const { fallback, protocols } = BUS_URLS[transport];
  const raw = read('BUS_URL');
  if (raw !== undefined) url('BUS_URL', raw, protocols);
  const requestQueue = read('BUS_REQUEST_QUEUE') ?? 'zitadel.api';
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(requestQueue)) {
    throw new ConfigError(`BUS_REQUEST_QUEUE must be 1 to 200 letters, digits, ".", "_" or "-", got "${requestQueue}"`);
  }
  return { transport, url: raw ?? fallback, serveRequests: boolean(read, 'BUS_REQUESTS', true), requestQueue };
}

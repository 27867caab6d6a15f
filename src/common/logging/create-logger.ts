import { pino, Logger } from 'pino';
import { LogLevel } from '../config/app-config.js';

/** Structured JSON logs on stdout; `authorization` headers never reach them. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'login-policy-factors' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
}

import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig, RateLimitConfig } from '../config/app-config.js';
import { RetryLaterError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuthContext } from './auth-context.js';
import { RateLimiter } from './rate-limiter.js';

/** Whose budget a request is taken from. */
type Keyed = 'caller' | 'address';

/**
 * The per-caller rate limit of every door (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST): a request
 * with a valid token counts against the token's subject, wherever it comes from; one without
 * (no token, a bad one) counts against the client's address, and an address that used up its
 * budget gets no more token verifications until it has some again. Applied by AccessPolicy,
 * which every door's admission goes through; the open routes (health, metrics, docs) are not
 * limited. The budget is per process.
 */
@Injectable()
export class CallerRateLimit implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly callers?: RateLimiter;
  private readonly addresses?: RateLimiter;
  private readonly refused?: Counter;

  constructor(config: AppConfig, metrics: MetricsService) {
    const rate = config.limits.rate;
    if (rate === undefined) return;
    this.callers = new RateLimiter(rate.perSecond, rate.burst);
    this.addresses = new RateLimiter(rate.perSecond, rate.burst);
    this.callers.start();
    this.addresses.start();
    this.refused = new Counter({
      name: 'rate_limited_requests_total',
      help: 'Requests refused by the rate limit (429 / RESOURCE_EXHAUSTED), by what they were counted against.',
      labelNames: ['keyed_by'],
      registers: [metrics.registry],
    });
  }

  /** Takes a request from a verified caller's budget; throws the refusal when there is none left. */
  charge(caller: AuthContext): void {
    if (this.callers === undefined) return;
    const wait = this.callers.take(caller.userId);
    if (wait > 0) throw this.refusal(this.callers, 'caller', caller.userId, wait);
  }

  /** Before a token that was not verified before is verified: throws the refusal when `address` has no budget left. */
  checkAddress(address: string): void {
    if (this.addresses === undefined) return;
    const wait = this.addresses.peek(address);
    if (wait > 0) throw this.refusal(this.addresses, 'address', address, wait);
  }

  /** What a request that failed authentication answers: its refusal, or the rate limit's once `address` used up its budget. */
  failed(address: string, error: unknown): unknown {
    if (this.addresses === undefined) return error;
    const wait = this.addresses.take(address);
    return wait > 0 ? this.refusal(this.addresses, 'address', address, wait) : error;
  }

  onModuleDestroy(): void {
    this.callers?.stop();
    this.addresses?.stop();
  }

  private refusal(limiter: RateLimiter, keyedBy: Keyed, key: string, wait: number): RetryLaterError {
    this.refused?.inc({ keyed_by: keyedBy });
    const who = keyedBy === 'caller' ? `caller ${key}` : `address ${key}`;
    if (limiter.startsRefusing(key)) {
      this.logger.warn(`${who} is over the rate limit (${describe(limiter)}); refusing it until it slows down (counted in rate_limited_requests_total)`);
    }
    const from = keyedBy === 'caller' ? 'this caller' : 'this address without a valid token';
    return new RetryLaterError(ErrorKind.ResourceExhausted, `too many requests from ${from}: the limit is ${describe(limiter)}; retry in ${wait} s`, wait);
  }
}

function describe(limit: RateLimitConfig): string {
  return `${limit.perSecond} per second, in bursts of up to ${limit.burst}`;
}

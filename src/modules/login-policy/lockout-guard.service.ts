import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig, LockoutGuardMode } from '../../common/config/app-config.js';
import { MetricsService } from '../../common/metrics/metrics.service.js';
import { GuardedPolicy, lockoutRefusal, lockoutsMade } from './lockout-guard.js';
import { INSTANCE_LEVEL, PolicyOwner } from './policy-level.js';

/**
 * What a caller asked for a change that would lock users out: `refuse` and `allow` on the
 * extension calls (`allowLockout`), undefined on the ZITADEL-compatible ones, which get what
 * LOCKOUT_GUARD says (`warn`: made, logged and counted, as ZITADEL makes it; `enforce`: refused).
 */
export type LockoutChoice = 'refuse' | 'allow' | undefined;

export interface GuardedChange {
  owner: PolicyOwner;
  /** The effective policy before the change (undefined when there was none). */
  before: GuardedPolicy | undefined;
  /** The effective policy after it. */
  after: GuardedPolicy;
  choice: LockoutChoice;
  /** A dry run decides the same, and neither logs nor counts. */
  dryRun: boolean;
  /** How many orgs follow the instance default (read only when a change of the default makes a lock-out). */
  followers: () => Promise<number>;
}

/** Decides on changes that would lock users out (see lockout-guard.ts for the rules). */
@Injectable()
export class LockoutGuard {
  private readonly logger = new Logger('LockoutGuard');
  private readonly mode: LockoutGuardMode;
  private readonly changes: Counter<'rule' | 'outcome'>;

  constructor(config: AppConfig, metrics: MetricsService) {
    this.mode = config.lockoutGuard;
    this.changes = metrics.counterWithLabels(
      'login_policy_lockout_changes_total',
      'Policy changes that would lock users out, by rule and outcome (refused, or made: warned, allowed)',
      ['rule', 'outcome'],
    );
  }

  /** Throws the refusal of a change that makes a lock-out and may not; otherwise lets it through (and says so in the log). */
  async check(change: GuardedChange): Promise<void> {
    const made = lockoutsMade(change.before, change.after);
    if (made.length === 0) return;
    const rule = made[0];
    const followers = change.owner.level === INSTANCE_LEVEL ? await change.followers() : undefined;
    const refuse = change.choice === 'refuse' || (change.choice === undefined && this.mode === 'enforce');
    if (refuse) {
      if (!change.dryRun) this.changes.inc({ rule: rule.name, outcome: 'refused' });
      throw lockoutRefusal(rule, followers, change.choice === 'refuse' ? 'Send `allowLockout: true` to make it anyway.' : 'LOCKOUT_GUARD=enforce refuses it on this call.');
    }
    if (change.dryRun) return;
    const outcome = change.choice === 'allow' ? 'allowed' : 'warned';
    this.changes.inc({ rule: rule.name, outcome });
    const whose = change.owner.level === INSTANCE_LEVEL ? `the instance default (${followers} orgs follow it)` : `org ${change.owner.ownerId}`;
    this.logger.warn(`a change of ${whose} locks users out (${rule.name}: ${rule.text}); made because ${outcome === 'allowed' ? 'the caller sent allowLockout' : 'LOCKOUT_GUARD=warn'}`);
  }
}

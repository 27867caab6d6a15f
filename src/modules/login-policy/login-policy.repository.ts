import { Injectable } from '@nestjs/common';
import { Transaction } from '../../common/database/transaction.js';
import { StoredEvent } from '../events/stored-event.js';
import { LoginPolicyFactorEntity } from './login-policy-factor.entity.js';
import { LoginPolicyEntity } from './login-policy.entity.js';
import { FactorKind, LoginPolicySettings, LoginPolicyState, SETTING_NAMES } from './login-policy.model.js';
import { PolicyOwner } from './policy-level.js';

const LIFETIMES = [
  'passwordCheckLifetime',
  'externalLoginCheckLifetime',
  'mfaInitSkipLifetime',
  'secondFactorCheckLifetime',
  'multiFactorCheckLifetime',
] as const;

/** The login-policy projections: read a policy, and apply events to it inside a command's transaction. */
@Injectable()
export class LoginPolicyRepository {
  async find(tx: Transaction, owner: PolicyOwner): Promise<LoginPolicyState | undefined> {
    const key = { instanceId: owner.instanceId, ownerId: owner.ownerId };
    const row = await tx.findOne(LoginPolicyEntity, { where: key });
    if (!row) return undefined;
    const factors = await tx.find(LoginPolicyFactorEntity, { where: key });
    const ordered = factors
      .map((factor) => ({ kind: factor.kind, type: factor.factorType, sequence: Number(factor.sequence) }))
      .sort((a, b) => a.sequence - b.sequence);
    return {
      ownerId: row.ownerId,
      isDefault: row.ownerType === 'instance',
      settings: settingsOf(row),
      factors: {
        second: ordered.filter((f) => f.kind === 'second').map((f) => f.type),
        multi: ordered.filter((f) => f.kind === 'multi').map((f) => f.type),
      },
      sequence: Number(row.sequence),
      creationDate: row.creationDate,
      changeDate: row.changeDate,
    };
  }

  async insert(tx: Transaction, owner: PolicyOwner, settings: LoginPolicySettings, event: StoredEvent): Promise<void> {
    await tx.insert(LoginPolicyEntity, {
      instanceId: owner.instanceId,
      ownerId: owner.ownerId,
      ownerType: owner.level.aggregateType,
      ...settings,
      sequence: event.sequence,
      creationDate: event.createdAt,
      changeDate: event.createdAt,
    });
  }

  async updateSettings(tx: Transaction, owner: PolicyOwner, changes: Partial<LoginPolicySettings>, event: StoredEvent): Promise<void> {
    await this.touch(tx, owner, event, changes);
  }

  async addFactor(tx: Transaction, owner: PolicyOwner, kind: FactorKind, type: number, event: StoredEvent): Promise<void> {
    await tx.insert(LoginPolicyFactorEntity, {
      instanceId: owner.instanceId,
      ownerId: owner.ownerId,
      kind,
      factorType: type,
      sequence: event.sequence,
    });
    await this.touch(tx, owner, event);
  }

  async removeFactor(tx: Transaction, owner: PolicyOwner, kind: FactorKind, type: number, event: StoredEvent): Promise<void> {
    await tx.delete(LoginPolicyFactorEntity, {
      instanceId: owner.instanceId,
      ownerId: owner.ownerId,
      kind,
      factorType: type,
    });
    await this.touch(tx, owner, event);
  }

  /** Deletes the policy and its factors (the org follows the default again). */
  async delete(tx: Transaction, owner: PolicyOwner): Promise<void> {
    const key = { instanceId: owner.instanceId, ownerId: owner.ownerId };
    await tx.delete(LoginPolicyFactorEntity, key);
    await tx.delete(LoginPolicyEntity, key);
  }

  /** Records that `event` was applied to the policy (and any setting changes it carries). */
  private async touch(tx: Transaction, owner: PolicyOwner, event: StoredEvent, changes: Partial<LoginPolicySettings> = {}): Promise<void> {
    await tx.update(
      LoginPolicyEntity,
      { instanceId: owner.instanceId, ownerId: owner.ownerId },
      { ...changes, sequence: event.sequence, changeDate: event.createdAt },
    );
  }
}

function settingsOf(row: LoginPolicyEntity): LoginPolicySettings {
  const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, row[name]])) as unknown as LoginPolicySettings;
  // bigint columns arrive as strings from mysql2
  for (const name of LIFETIMES) settings[name] = Number(row[name]);
  settings.passwordlessType = Number(row.passwordlessType);
  return settings;
}

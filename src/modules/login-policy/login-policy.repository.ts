import { Injectable } from '@nestjs/common';
import { KeyedRead, ROW_KEY } from '../../common/database/keyed-read.js';
import { SqlParam } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { toSqlTime } from '../../common/database/sql-time.js';
import { textPerCount, textPerKey } from '../../common/database/statement-texts.js';
import { memoByText } from '../../common/memo/read-memo.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { STREAM_SEQUENCE_SQL, streamParams, streamSequenceSql } from '../events/event-store.service.js';
import { SETTINGS } from './login-policy-settings.js';
import { FACTOR_KINDS, FactorsState, LoginPolicyState } from './login-policy.model.js';
import { packedEither, packedFactors, packedPolicy, unpackFactors, unpackPolicy } from './packed-policy.js';
import { PolicyOwner, aggregateOf } from './policy-level.js';

const toColumn = (value: boolean | number | string): SqlParam => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/** Distinct packed rows whose decoded state the reads and the commands keep (a row's text decides its state entirely). */
const DECODED_ROWS_KEPT = 10_000;
const readPolicy = memoByText(DECODED_ROWS_KEPT, unpackPolicy);
const readFactors = memoByText(DECODED_ROWS_KEPT, (packed): FactorsState => {
  const { factors, sequence, changeDate } = unpackFactors(packed);
  return { factors, sequence, changeDate };
});

/** An org read's answer when the org is not active or does not exist. */
export const ORG_NOT_ACTIVE = Symbol('org not active');

/** What an org read of the read path found: the caller's view of the policy, or ORG_NOT_ACTIVE. */
export type Found<V> = V | typeof ORG_NOT_ACTIVE;

/**
 * What a caller makes of a policy it read: its answer (a wire message, say) or the policy as it is
 * (AS_READ). Called once per decoded state, not per read (the states are shared, see readPolicy),
 * so a view should be a memo of the state when it builds anything (memoByObject).
 */
export type View<S, V> = (state: S) => V;

export const AS_READ = <S>(state: S): S => state;

/**
 * One org read (an org's policy and, in the same statement, whether the org is active), asked for
 * through views: one keyed read per view, so a database that keeps answers keeps each view's
 * answer itself. A read of a kept answer then reaches what its caller sends in one step: with
 * 10,000 orgs in use every object between the kept row and the answer is a likely cache miss.
 */
class OrgRead<S> {
  private readonly byView = new Map<View<S, unknown>, KeyedRead<Found<unknown>>>();

  constructor(
    private readonly build: (orgIds: string) => string,
    private readonly unpack: (packed: string) => S,
  ) {}

  as<V>(view: View<S, V>): KeyedRead<Found<V>> {
    let read = this.byView.get(view);
    if (read === undefined) {
      read = new KeyedRead(this.build, (row) => (row.org_state === 'active' ? view(this.unpack(String(row.packed))) : ORG_NOT_ACTIVE));
      this.byView.set(view, read);
    }
    return read as KeyedRead<Found<V>>;
  }
}

/** An org read without a row: the org does not exist. */
const orNotActive = <V>(found: Found<V> | undefined): Found<V> => (found === undefined ? ORG_NOT_ACTIVE : found);

// an org's effective policy (its own row, else the default) and whether the org is active, in one statement of three key lookups per org
const effectiveOfOrg = <S>(pack: (alias: string) => string, unpack: (packed: string) => S) =>
  new OrgRead(
    (orgIds) =>
      `SELECT o.id AS ${ROW_KEY}, o.state AS org_state, ${packedEither(pack, 'own', 'def')} AS packed FROM orgs o ` +
      'JOIN login_policies def ON def.instance_id = o.instance_id AND def.owner_id = ? ' +
      `LEFT JOIN login_policies own ON own.instance_id = o.instance_id AND own.owner_id = o.id WHERE o.instance_id = ? AND o.id IN (${orgIds})`,
    unpack,
  );
const EFFECTIVE_POLICY_OF_ORG = effectiveOfOrg(packedPolicy, readPolicy);
const EFFECTIVE_FACTORS_OF_ORG = effectiveOfOrg(packedFactors, readFactors);
const DEFAULT_POLICY_FOR_ORG = new OrgRead(
  (orgIds) =>
    `SELECT o.id AS ${ROW_KEY}, o.state AS org_state, ${packedPolicy('p')} AS packed FROM orgs o ` +
    `JOIN login_policies p ON p.instance_id = o.instance_id AND p.owner_id = ? WHERE o.instance_id = ? AND o.id IN (${orgIds})`,
  readPolicy,
);
const ownOf = <T>(pack: (alias: string) => string, unpack: (packed: string) => T) =>
  new KeyedRead(
    (ownerIds) => `SELECT p.owner_id AS ${ROW_KEY}, ${pack('p')} AS packed FROM login_policies p WHERE p.instance_id = ? AND p.owner_id IN (${ownerIds})`,
    (row) => unpack(String(row.packed)),
  );
const OWN_POLICY = ownOf(packedPolicy, readPolicy);
const OWN_FACTORS = ownOf(packedFactors, readFactors);
/**
 * Which default a command on an org reads beside the org's own policy: the one it would copy, so
 * only while the org has none of its own (packing the default's whole row into text for every
 * command cost the database server and the service alike), or always (a reset checks the default
 * the org will follow).
 */
export type DefaultNeeded = 'without-own' | 'always';

// what a command on an org decides on, one row per org: whether it is active, its stream's sequence, its own policy and the default
const orgCommandState = (defaultPacked: string) =>
  new KeyedRead(
    (orgIds) =>
      `SELECT o.id AS ${ROW_KEY}, o.state AS org_state, ` +
      `${streamSequenceSql('o.instance_id', '?', 'o.id')} AS stream_sequence, ` +
      `${packedPolicy('own')} AS own_packed, ${defaultPacked} AS default_packed FROM orgs o ` +
      'LEFT JOIN login_policies def ON def.instance_id = o.instance_id AND def.owner_id = ? ' +
      `LEFT JOIN login_policies own ON own.instance_id = o.instance_id AND own.owner_id = o.id WHERE o.instance_id = ? AND o.id IN (${orgIds})`,
  );
const ORG_COMMAND_STATE: Record<DefaultNeeded, KeyedRead> = {
  'without-own': orgCommandState(`CASE WHEN own.owner_id IS NULL THEN ${packedPolicy('def')} END`),
  always: orgCommandState(packedPolicy('def')),
};
const INSTANCE_COMMAND_STATE = `SELECT ${STREAM_SEQUENCE_SQL} AS stream_sequence, ${packedPolicy('p')} AS packed FROM login_policies p WHERE p.instance_id = ? AND p.owner_id = ?`;

const COUNT_FOLLOWERS =
  "SELECT COUNT(*) AS followers FROM orgs o WHERE o.instance_id = ? AND o.state = 'active' " +
  'AND NOT EXISTS (SELECT 1 FROM login_policies p WHERE p.instance_id = o.instance_id AND p.owner_id = o.id)';

const INSERT_POLICY =
  `INSERT INTO login_policies (instance_id, owner_id, owner_type, ${SETTINGS.map((s) => s.column).join(', ')}, second_factors, multi_factors, sequence, creation_date, change_date) ` +
  `VALUES (${Array.from({ length: SETTINGS.length + 8 }, () => '?').join(', ')})`;

/** The columns a change of the existing row sets: the changed settings', the factor lists, the sequence and the change date. */
const changeColumns = (changedColumns: string[]) => [...changedColumns, 'second_factors', 'multi_factors', 'sequence', 'change_date'];

/** MySQL: INSERT_POLICY that, for the existing row, sets the changed setting columns and the rest of `changeColumns`. */
const upsertPolicy = textPerKey((changedColumns: string[]) => `${INSERT_POLICY} ON DUPLICATE KEY UPDATE ${changeColumns(changedColumns).map((c) => `${c} = VALUES(${c})`).join(', ')}`);

/** SQLite: the UPDATE of the existing row (parameters: the new values of `changeColumns`, then the key). */
const updatePolicy = textPerKey(
  (changedColumns: string[]) => `UPDATE login_policies SET ${changeColumns(changedColumns).map((c) => `${c} = ?`).join(', ')} WHERE instance_id = ? AND owner_id = ?`,
);

const insertFactors = textPerCount(
  (count) => `INSERT INTO login_policy_factors (instance_id, owner_id, kind, factor_type, sequence) VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?)').join(', ')}`,
);
const deleteFactors = textPerCount(
  (count) => `DELETE FROM login_policy_factors WHERE instance_id = ? AND owner_id = ? AND kind = ? AND factor_type IN (${Array.from({ length: count }, () => '?').join(', ')})`,
);

/** What a login-policy command reads: the aggregate's sequence, the owner's own policy and (for an org, see DefaultNeeded) the default. */
export interface PolicyCommandState {
  orgActive: boolean;
  streamSequence: number;
  own?: LoginPolicyState;
  instanceDefault?: LoginPolicyState;
}

/**
 * The login-policy projection: `login_policies` (one row per policy, with its factor lists, which
 * the read path reads in one indexed statement) and `login_policy_factors` (one row per factor:
 * its primary key makes a factor added twice impossible, whatever a command does).
 */
@Injectable()
export class LoginPolicyRepository {
  constructor(private readonly db: SqlDatabase) {}

  // The org reads are the hot path: each is one promise chained on the database's (no async
  // function per level), mapped by a function made once.

  /** An org's policy (its own, else the default) through `view`, and in the same read whether the org is active. */
  effectiveForOrg<V>(owner: PolicyOwner, view: View<LoginPolicyState, V>): Promise<Found<V>> {
    return this.forOrg(EFFECTIVE_POLICY_OF_ORG.as(view), owner).then(orNotActive);
  }

  /** The factor lists an org follows, like `effectiveForOrg` but reading only what a list needs. */
  effectiveFactorsForOrg<V>(owner: PolicyOwner, view: View<FactorsState, V>): Promise<Found<V>> {
    return this.forOrg(EFFECTIVE_FACTORS_OF_ORG.as(view), owner).then(orNotActive);
  }

  /** The instance default, asked for on behalf of an org (which must be active). */
  defaultForOrg<V>(owner: PolicyOwner, view: View<LoginPolicyState, V>): Promise<Found<V>> {
    return this.forOrg(DEFAULT_POLICY_FOR_ORG.as(view), owner).then(orNotActive);
  }

  /** The owner's own policy (the instance default when the owner is the instance). */
  own(owner: PolicyOwner): Promise<LoginPolicyState | undefined> {
    return this.db.readByKey(OWN_POLICY, [owner.instanceId], owner.ownerId);
  }

  ownFactors(owner: PolicyOwner): Promise<FactorsState | undefined> {
    return this.db.readByKey(OWN_FACTORS, [owner.instanceId], owner.ownerId);
  }

  /** The answer of an org-keyed read, undefined when the org does not exist (parameters: the default's owner, the instance, the org). */
  private forOrg<V>(read: KeyedRead<Found<V>>, owner: PolicyOwner): Promise<Found<V> | undefined> {
    return this.db.readByKey(read, [owner.instanceId, owner.instanceId], owner.ownerId);
  }

  /** Inside a command: everything it decides on, in one statement (the default of an org's policy as `defaultNeeded` says). */
  async commandState(tx: SqlTransaction, owner: PolicyOwner, defaultNeeded: DefaultNeeded = 'without-own'): Promise<PolicyCommandState> {
    if (owner.level.aggregateType === 'instance') {
      const [row] = await tx.read(INSTANCE_COMMAND_STATE, [...streamParams(aggregateOf(owner)), owner.instanceId, owner.ownerId]);
      return { orgActive: false, streamSequence: Number(row?.stream_sequence ?? 0), own: row ? readPolicy(String(row.packed)) : undefined };
    }
    const row = await tx.readByKey(ORG_COMMAND_STATE[defaultNeeded], [owner.level.aggregateType, owner.instanceId, owner.instanceId], owner.ownerId);
    return {
      orgActive: row?.org_state === 'active',
      streamSequence: Number(row?.stream_sequence ?? 0),
      // the owner's own text is new after every change of it, so it is decoded afresh: kept in the read path's memo it would
      // only be promoted to the old generation and swept out again (GC per write in the write cycle: 17–19 µs kept, 8–11 µs not)
      own: ifPacked(row?.own_packed, unpackPolicy),
      // the default's text stays the same from command to command until it changes: decoded once, shared and frozen
      instanceDefault: ifPacked(row?.default_packed, readPolicy),
    };
  }

  /** Inside a command, before its writes: how many active orgs of the instance follow its default (have no policy of their own). */
  async countFollowers(tx: SqlTransaction, instanceId: string): Promise<number> {
    const [row] = await tx.read(COUNT_FOLLOWERS, [instanceId]);
    return Number(row?.followers ?? 0);
  }

  /** Stores `after` as the owner's policy: a new row when there was none (`before` undefined), else the changes. */
  save(tx: SqlTransaction, owner: PolicyOwner, before: LoginPolicyState | undefined, after: LoginPolicyState): void {
    const key = [owner.instanceId, owner.ownerId];
    const changed = SETTINGS.filter((s) => before !== undefined && before.settings[s.name] !== after.settings[s.name]);
    if (!before || this.db.dialect === 'mysql') {
      // on MySQL also a change is written as an upsert of the whole row: the upserts of the commands that commit together become one statement
      tx.write(before ? upsertPolicy(changed.map((s) => s.column)) : INSERT_POLICY, [
        ...key,
        owner.level.aggregateType,
        ...SETTINGS.map((s) => toColumn(after.settings[s.name])),
        factorList(after.factors.second),
        factorList(after.factors.multi),
        after.sequence,
        toSqlTime(after.creationDate),
        toSqlTime(after.changeDate),
      ]);
    } else {
      tx.write(updatePolicy(changed.map((s) => s.column)), [
        ...changed.map((s) => toColumn(after.settings[s.name])),
        factorList(after.factors.second),
        factorList(after.factors.multi),
        after.sequence,
        toSqlTime(after.changeDate),
        ...key,
      ]);
    }
    for (const kind of FACTOR_KINDS) {
      const added = after.factors[kind].filter((type) => !before?.factors[kind].includes(type));
      const removed = before?.factors[kind].filter((type) => !after.factors[kind].includes(type)) ?? [];
      if (added.length > 0) {
        tx.write(insertFactors(added.length), added.flatMap((type) => [...key, kind, type, after.sequence]));
      }
      if (removed.length > 0) {
        tx.write(deleteFactors(removed.length), [...key, kind, ...removed]);
      }
    }
  }

  /** Deletes the owner's policy and its factors (the org follows the default again). */
  delete(tx: SqlTransaction, owner: PolicyOwner): void {
    tx.write('DELETE FROM login_policy_factors WHERE instance_id = ? AND owner_id = ?', [owner.instanceId, owner.ownerId]);
    tx.write('DELETE FROM login_policies WHERE instance_id = ? AND owner_id = ?', [owner.instanceId, owner.ownerId]);
  }
}

/** A packed policy column of a LEFT JOIN, decoded: a row that was not there packs to nothing (NULL, or '' where CONCAT_WS skips every NULL). */
function ifPacked(packed: unknown, decode: (packed: string) => LoginPolicyState): LoginPolicyState | undefined {
  return typeof packed === 'string' && packed !== '' ? decode(packed) : undefined;
}

function factorList(types: number[]): string {
  return types.join(',');
}

import { DetailsResponse, ListDetails, ObjectDetails } from '../../common/proto/object.dto.js';
import { memoByObject } from '../../common/memo/read-memo.js';
import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { ProtoEnum } from '../../common/proto/proto-enum.js';
import { duration, parseDuration, timestamp, uint64 } from '../../common/proto/wire-format.js';
import { LoginPolicySettingsRequest } from './dto/login-policy-settings.dto.js';
import { GetLoginPolicyResponse, LoginPolicy } from './dto/login-policy.dto.js';
import { LoginPolicySettings, SETTINGS, SettingKind, SettingSpec } from './login-policy-settings.js';
import { ChangeDetails, FactorLists, FactorsState, LoginPolicyState } from './login-policy.model.js';

/** Pure mappers between the core's model and the wire (protobuf JSON mapping). */

export function toObjectDetails(change: ChangeDetails): ObjectDetails {
  return {
    sequence: uint64(change.sequence),
    ...(change.creationDate ? { creationDate: timestamp(change.creationDate) } : {}),
    changeDate: timestamp(change.changeDate),
    resourceOwner: change.resourceOwner,
  };
}

export function toDetailsResponse(change: ChangeDetails): DetailsResponse {
  return { details: toObjectDetails(change) };
}

type FactorListResponse = { details: ListDetails; result: string[] };

/** The version a policy read answers with (its ETag): the policy's sequence, which a write's precondition compares. */
export const policyVersion = (response: { policy?: { details?: ObjectDetails } }): string => String(response.policy?.details?.sequence ?? '0');

/** The version a factor list answers with: the sequence of the policy it was read from. */
export const factorListVersion = (response: { details?: ListDetails }): string => String(response.details?.processedSequence ?? '0');

/** A factor list response, once per state read (shared and frozen, see read-memo.ts). */
export const toSecondFactorList = memoByObject((state: FactorsState) => factorList(state.factors.second, state, SecondFactorType), factorListVersion);
export const toMultiFactorList = memoByObject((state: FactorsState) => factorList(state.factors.multi, state, MultiFactorType), factorListVersion);

function factorList(types: readonly number[], state: FactorsState, protoEnum: ProtoEnum): FactorListResponse {
  return {
    details: {
      totalResult: uint64(types.length),
      processedSequence: uint64(state.sequence),
      viewTimestamp: timestamp(state.changeDate),
    },
    result: types.map((type) => protoEnum.nameOf(type)),
  };
}

type Setting = SettingSpec & { name: keyof LoginPolicySettings };
type WireValue = boolean | string;

/** A setting as the wire writes it: booleans as they are, enums by name, durations as "64800s". */
const TO_WIRE: Record<SettingKind, (value: never, setting: Setting) => WireValue> = {
  boolean: (value: boolean) => value,
  enum: (value: number, setting) => (setting.protoEnum as ProtoEnum).nameOf(value),
  duration: (value: number) => duration(value),
  uri: (value: string) => value,
};

/** A validated request field as the model keeps it; absent fields take their protobuf zero value. */
const FROM_WIRE: Record<SettingKind, (value: unknown) => boolean | number | string> = {
  boolean: (value) => value === true,
  enum: (value) => (typeof value === 'number' ? value : 0),
  duration: (value) => (typeof value === 'string' ? (parseDuration(value) ?? 0) : 0),
  uri: (value) => (typeof value === 'string' ? value : ''),
};

/** The fields of `zitadel.policy.v1.LoginPolicy` in field-number order, each read off a policy. */
interface PolicyField {
  field: number;
  name: string;
  value: (policy: LoginPolicyState) => unknown;
}
const POLICY_FIELDS: PolicyField[] = (
  [
    { field: 1, name: 'details', value: (policy: LoginPolicyState) => toObjectDetails({ ...policy, resourceOwner: policy.ownerId }) },
    { field: 7, name: 'isDefault', value: (policy: LoginPolicyState) => policy.isDefault },
    { field: 16, name: 'secondFactors', value: (policy: LoginPolicyState) => policy.factors.second.map((type) => SecondFactorType.nameOf(type)) },
    { field: 17, name: 'multiFactors', value: (policy: LoginPolicyState) => policy.factors.multi.map((type) => MultiFactorType.nameOf(type)) },
    { field: 18, name: 'idps', value: () => [] },
    ...SETTINGS.map((setting) => ({
      field: setting.field,
      name: setting.name,
      value: (policy: LoginPolicyState) => TO_WIRE[setting.kind](policy.settings[setting.name] as never, setting),
    })),
  ] satisfies PolicyField[]
).sort((a, b) => a.field - b.field);

/** The policy as read; its resource owner is the org, or the instance when it is the default. */
export function toLoginPolicy(policy: LoginPolicyState): LoginPolicy {
  const message: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) message[field.name] = field.value(policy);
  return message as unknown as LoginPolicy;
}

/** Management GetLoginPolicy, with the deprecated top-level `isDefault` ZITADEL's clients still read; once per state read. */
export const toGetLoginPolicyResponse = memoByObject((policy: LoginPolicyState): GetLoginPolicyResponse => {
  const message = toLoginPolicy(policy);
  return { policy: message, isDefault: message.isDefault };
}, policyVersion);

/** `{ policy }` (GetLoginPolicy of the Admin API, GetDefaultLoginPolicy of the Management API); once per state read. */
export const toPolicyResponse = memoByObject((policy: LoginPolicyState): { policy: LoginPolicy } => ({ policy: toLoginPolicy(policy) }), policyVersion);

/** Settings from a validated request; absent fields take their protobuf zero value. */
export function toSettings(request: LoginPolicySettingsRequest): LoginPolicySettings {
  const settings: Record<string, unknown> = {};
  for (const setting of SETTINGS) settings[setting.name] = FROM_WIRE[setting.kind](request[setting.name]);
  return settings as LoginPolicySettings;
}

export function toFactorLists(request: { secondFactors?: number[]; multiFactors?: number[] }): FactorLists {
  return { second: request.secondFactors ?? [], multi: request.multiFactors ?? [] };
}

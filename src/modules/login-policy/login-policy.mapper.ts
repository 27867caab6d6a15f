import { DetailsResponse, ListDetails, ObjectDetails } from '../../common/proto/object.dto.js';
import { MultiFactorType, PasswordlessType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { ProtoEnum } from '../../common/proto/proto-enum.js';
import { duration, parseDuration, timestamp, uint64 } from '../../common/proto/wire-format.js';
import { LoginPolicySettingsRequest } from './dto/login-policy-settings.dto.js';
import { GetLoginPolicyResponse, LoginPolicy } from './dto/login-policy.dto.js';
import { ChangeDetails, FactorLists, LoginPolicySettings, LoginPolicyState } from './login-policy.model.js';
import { FactorListView } from './login-policy.service.js';

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

export function toFactorList(view: FactorListView, protoEnum: ProtoEnum): { details: ListDetails; result: string[] } {
  return {
    details: {
      totalResult: uint64(view.types.length),
      processedSequence: uint64(view.sequence),
      viewTimestamp: timestamp(view.changeDate),
    },
    result: view.types.map((type) => protoEnum.nameOf(type)),
  };
}

/** The policy as read; its resource owner is the org, or the instance when it is the default. */
export function toLoginPolicy(policy: LoginPolicyState): LoginPolicy {
  const s = policy.settings;
  return {
    details: toObjectDetails({ ...policy, resourceOwner: policy.ownerId }),
    allowUsernamePassword: s.allowUsernamePassword,
    allowRegister: s.allowRegister,
    allowExternalIdp: s.allowExternalIdp,
    forceMfa: s.forceMfa,
    passwordlessType: PasswordlessType.nameOf(s.passwordlessType),
    isDefault: policy.isDefault,
    hidePasswordReset: s.hidePasswordReset,
    ignoreUnknownUsernames: s.ignoreUnknownUsernames,
    defaultRedirectUri: s.defaultRedirectUri,
    passwordCheckLifetime: duration(s.passwordCheckLifetime),
    externalLoginCheckLifetime: duration(s.externalLoginCheckLifetime),
    mfaInitSkipLifetime: duration(s.mfaInitSkipLifetime),
    secondFactorCheckLifetime: duration(s.secondFactorCheckLifetime),
    multiFactorCheckLifetime: duration(s.multiFactorCheckLifetime),
    secondFactors: policy.factors.second.map((type) => SecondFactorType.nameOf(type)),
    multiFactors: policy.factors.multi.map((type) => MultiFactorType.nameOf(type)),
    idps: [],
    allowDomainDiscovery: s.allowDomainDiscovery,
    disableLoginWithEmail: s.disableLoginWithEmail,
    disableLoginWithPhone: s.disableLoginWithPhone,
    forceMfaLocalOnly: s.forceMfaLocalOnly,
    useDefaultUriForNotificationLinks: s.useDefaultUriForNotificationLinks,
  };
}

/** Management GetLoginPolicy, with the deprecated top-level `isDefault` ZITADEL's clients still read. */
export function toGetLoginPolicyResponse(policy: LoginPolicyState): GetLoginPolicyResponse {
  const message = toLoginPolicy(policy);
  return { policy: message, isDefault: message.isDefault };
}

/** Settings from a validated request; absent fields take their protobuf zero value. */
export function toSettings(request: LoginPolicySettingsRequest): LoginPolicySettings {
  const seconds = (value: string | undefined) => (value === undefined || value === null ? 0 : (parseDuration(value) ?? 0));
  return {
    allowUsernamePassword: request.allowUsernamePassword ?? false,
    allowRegister: request.allowRegister ?? false,
    allowExternalIdp: request.allowExternalIdp ?? false,
    forceMfa: request.forceMfa ?? false,
    passwordlessType: request.passwordlessType ?? 0,
    hidePasswordReset: request.hidePasswordReset ?? false,
    ignoreUnknownUsernames: request.ignoreUnknownUsernames ?? false,
    defaultRedirectUri: request.defaultRedirectUri ?? '',
    passwordCheckLifetime: seconds(request.passwordCheckLifetime),
    externalLoginCheckLifetime: seconds(request.externalLoginCheckLifetime),
    mfaInitSkipLifetime: seconds(request.mfaInitSkipLifetime),
    secondFactorCheckLifetime: seconds(request.secondFactorCheckLifetime),
    multiFactorCheckLifetime: seconds(request.multiFactorCheckLifetime),
    allowDomainDiscovery: request.allowDomainDiscovery ?? false,
    disableLoginWithEmail: request.disableLoginWithEmail ?? false,
    disableLoginWithPhone: request.disableLoginWithPhone ?? false,
    forceMfaLocalOnly: request.forceMfaLocalOnly ?? false,
    useDefaultUriForNotificationLinks: request.useDefaultUriForNotificationLinks ?? false,
  };
}

export function toFactorLists(request: { secondFactors?: number[]; multiFactors?: number[] }): FactorLists {
  return { second: request.secondFactors ?? [], multi: request.multiFactors ?? [] };
}

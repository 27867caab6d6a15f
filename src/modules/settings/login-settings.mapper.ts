import { memoByObject } from '../../common/memo/read-memo.js';
import { PasswordlessType, MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { ProtoEnum } from '../../common/proto/proto-enum.js';
import { PasskeysType, ResourceOwnerType, SettingsMultiFactorType, SettingsSecondFactorType } from '../../common/proto/settings-enums.js';
import { LoginPolicy } from '../login-policy/dto/login-policy.dto.js';
import { toLoginPolicy } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyState } from '../login-policy/login-policy.model.js';
import { GetLoginSettingsResponse, LoginSettings } from './dto/login-settings.dto.js';

/** A v1 enum name as the v2 enum's name for the same number. */
function renamed(from: ProtoEnum, to: ProtoEnum): (name: string) => string {
  return (name) => to.nameOf(from.toNumber(name) as number);
}
const toPasskeysType = renamed(PasswordlessType, PasskeysType);
const toSecondFactor = renamed(SecondFactorType, SettingsSecondFactorType);
const toMultiFactor = renamed(MultiFactorType, SettingsMultiFactorType);

/**
 * `zitadel.settings.v2.LoginSettings` in field-number order, from the v1 LoginPolicy of the same
 * read (toLoginPolicy), so v1 and v2 cannot tell two stories: v1's `passwordlessType` is v2's
 * `passkeysType`, v1's `isDefault` becomes `resourceOwnerType`; v1's `idps` and
 * `useDefaultUriForNotificationLinks` have no v2 field.
 */
function toLoginSettings(policy: LoginPolicy): LoginSettings {
  return {
    allowUsernamePassword: policy.allowUsernamePassword,
    allowRegister: policy.allowRegister,
    allowExternalIdp: policy.allowExternalIdp,
    forceMfa: policy.forceMfa,
    passkeysType: toPasskeysType(policy.passwordlessType),
    hidePasswordReset: policy.hidePasswordReset,
    ignoreUnknownUsernames: policy.ignoreUnknownUsernames,
    defaultRedirectUri: policy.defaultRedirectUri,
    passwordCheckLifetime: policy.passwordCheckLifetime,
    externalLoginCheckLifetime: policy.externalLoginCheckLifetime,
    mfaInitSkipLifetime: policy.mfaInitSkipLifetime,
    secondFactorCheckLifetime: policy.secondFactorCheckLifetime,
    multiFactorCheckLifetime: policy.multiFactorCheckLifetime,
    secondFactors: policy.secondFactors.map(toSecondFactor),
    multiFactors: policy.multiFactors.map(toMultiFactor),
    allowDomainDiscovery: policy.allowDomainDiscovery,
    disableLoginWithEmail: policy.disableLoginWithEmail,
    disableLoginWithPhone: policy.disableLoginWithPhone,
    resourceOwnerType: ResourceOwnerType.nameOf(policy.isDefault ? 1 : 2),
    forceMfaLocalOnly: policy.forceMfaLocalOnly,
  };
}

/** The version the read answers with (its ETag): the sequence of the policy read, as v1's reads send it. */
export const settingsVersion = (response: GetLoginSettingsResponse): string => String(response.details.sequence);

/**
 * GetLoginSettings: the effective login policy as read by LoginPolicyService.getPolicy (the read
 * of v1's GetLoginPolicy), with its details as `zitadel.object.v2.Details`; once per state read.
 */
export const toGetLoginSettingsResponse = memoByObject((state: LoginPolicyState): GetLoginSettingsResponse => {
  const policy = toLoginPolicy(state);
  const { sequence, changeDate, resourceOwner, creationDate } = policy.details;
  return {
    details: { sequence, changeDate: changeDate as string, resourceOwner, creationDate: creationDate as string },
    settings: toLoginSettings(policy),
  };
}, settingsVersion);


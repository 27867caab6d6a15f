import { ProtoEnum } from './proto-enum.js';

/** `zitadel.settings.v2.SecondFactorType`: the values of zitadel.policy.v1's, in the v2 package. */
export const SettingsSecondFactorType = new ProtoEnum('zitadel.settings.v2.SecondFactorType', {
  SECOND_FACTOR_TYPE_UNSPECIFIED: 0,
  SECOND_FACTOR_TYPE_OTP: 1,
  SECOND_FACTOR_TYPE_U2F: 2,
  SECOND_FACTOR_TYPE_OTP_EMAIL: 3,
  SECOND_FACTOR_TYPE_OTP_SMS: 4,
});

/** `zitadel.settings.v2.MultiFactorType` */
export const SettingsMultiFactorType = new ProtoEnum('zitadel.settings.v2.MultiFactorType', {
  MULTI_FACTOR_TYPE_UNSPECIFIED: 0,
  MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION: 1,
});

/** `zitadel.settings.v2.PasskeysType`: v1's PasswordlessType under its v2 name, same numbers. */
export const PasskeysType = new ProtoEnum('zitadel.settings.v2.PasskeysType', {
  PASSKEYS_TYPE_NOT_ALLOWED: 0,
  PASSKEYS_TYPE_ALLOWED: 1,
});

/** `zitadel.settings.v2.ResourceOwnerType`: where the settings that apply are kept. */
export const ResourceOwnerType = new ProtoEnum('zitadel.settings.v2.ResourceOwnerType', {
  RESOURCE_OWNER_TYPE_UNSPECIFIED: 0,
  RESOURCE_OWNER_TYPE_INSTANCE: 1,
  RESOURCE_OWNER_TYPE_ORG: 2,
});

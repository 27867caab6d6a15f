import { ProtoEnum } from './proto-enum.js';

/** `zitadel.policy.v1.SecondFactorType` */
export const SecondFactorType = new ProtoEnum('zitadel.policy.v1.SecondFactorType', {
  SECOND_FACTOR_TYPE_UNSPECIFIED: 0,
  SECOND_FACTOR_TYPE_OTP: 1,
  SECOND_FACTOR_TYPE_U2F: 2,
  SECOND_FACTOR_TYPE_OTP_EMAIL: 3,
  SECOND_FACTOR_TYPE_OTP_SMS: 4,
});

/** `zitadel.policy.v1.MultiFactorType` */
export const MultiFactorType = new ProtoEnum('zitadel.policy.v1.MultiFactorType', {
  MULTI_FACTOR_TYPE_UNSPECIFIED: 0,
  MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION: 1,
});

/** `zitadel.policy.v1.PasswordlessType` */
export const PasswordlessType = new ProtoEnum('zitadel.policy.v1.PasswordlessType', {
  PASSWORDLESS_TYPE_NOT_ALLOWED: 0,
  PASSWORDLESS_TYPE_ALLOWED: 1,
});

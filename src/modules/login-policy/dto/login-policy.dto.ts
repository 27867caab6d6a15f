import { ApiProperty } from '@nestjs/swagger';
import { ObjectDetails } from '../../../common/proto/object.dto.js';
import { MultiFactorType, PasswordlessType, SecondFactorType } from '../../../common/proto/policy-enums.js';

/** `zitadel.policy.v1.LoginPolicy` */
export class LoginPolicy {
  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;

  /** Users may log in with username and password. */
  allowUsernamePassword: boolean;
  /** Users may register themselves. */
  allowRegister: boolean;
  /** Users may log in with an external identity provider. */
  allowExternalIdp: boolean;
  /** Every user must set up a second factor. */
  forceMfa: boolean;

  /** Whether passwordless login (passkeys) is allowed. */
  @ApiProperty({ enum: PasswordlessType.names, enumName: PasswordlessType.shortName, example: 'PASSWORDLESS_TYPE_ALLOWED' })
  passwordlessType: string;

  /** True when this is the instance default (the org has no custom policy). */
  isDefault: boolean;
  /** Hide the "forgot password" link. */
  hidePasswordReset: boolean;
  /** Do not tell the user whether a username exists. */
  ignoreUnknownUsernames: boolean;
  /** Where users are sent after login when no redirect is given; empty when unset. */
  defaultRedirectUri: string;

  /** How long a password check stays valid. */
  @ApiProperty({ example: '864000s' })
  passwordCheckLifetime: string;
  /** How long an external login check stays valid. */
  @ApiProperty({ example: '864000s' })
  externalLoginCheckLifetime: string;
  /** How long a user may skip setting up a second factor. */
  @ApiProperty({ example: '2592000s' })
  mfaInitSkipLifetime: string;
  /** How long a second-factor check stays valid. */
  @ApiProperty({ example: '64800s' })
  secondFactorCheckLifetime: string;
  /** How long a multi-factor check stays valid. */
  @ApiProperty({ example: '43200s' })
  multiFactorCheckLifetime: string;

  /** Allowed second factors, in the order they were added. */
  @ApiProperty({ enum: SecondFactorType.names, enumName: SecondFactorType.shortName, isArray: true })
  secondFactors: string[];

  /** Allowed multi factors, in the order they were added. */
  @ApiProperty({ enum: MultiFactorType.names, enumName: MultiFactorType.shortName, isArray: true })
  multiFactors: string[];

  /** Identity providers; always empty in this service. */
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [] })
  idps: Record<string, never>[];

  /** Users of unknown usernames may be routed to their org by domain. */
  allowDomainDiscovery: boolean;
  /** Users may not log in with their email address. */
  disableLoginWithEmail: boolean;
  /** Users may not log in with their phone number. */
  disableLoginWithPhone: boolean;
  /** Second factor enforced only for local (not external IdP) logins. */
  forceMfaLocalOnly: boolean;
  /** Links in notifications use the default redirect URI. */
  useDefaultUriForNotificationLinks: boolean;
}

/** Admin GetLoginPolicy and Management GetDefaultLoginPolicy. */
export class GetDefaultLoginPolicyResponse {
  @ApiProperty({ type: LoginPolicy })
  policy: LoginPolicy;
}

/** Management GetLoginPolicy: the org's effective policy. */
export class GetLoginPolicyResponse {
  @ApiProperty({ type: LoginPolicy })
  policy: LoginPolicy;

  /** Deprecated duplicate of `policy.isDefault`, kept for ZITADEL's clients. */
  isDefault: boolean;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { PasswordlessType } from '../../../common/proto/policy-enums.js';
import { IsProtoEnum } from '../../../common/validation/proto-enum.validator.js';
import { IsAbsoluteUriOrEmpty, IsProtoBool, IsProtoDuration } from '../../../common/validation/settings.validators.js';

/**
 * The settings of a login policy as requests carry them. As in ZITADEL, an absent field means
 * its zero value (false, 0s, empty), so send every setting you want to keep.
 */
export class LoginPolicySettingsRequest {
  /** Users may log in with username and password. */
  @IsProtoBool()
  allowUsernamePassword?: boolean;
  /** Users may register themselves. */
  @IsProtoBool()
  allowRegister?: boolean;
  /** Users may log in with an external identity provider. */
  @IsProtoBool()
  allowExternalIdp?: boolean;
  /** Every user must set up a second factor. */
  @IsProtoBool()
  forceMfa?: boolean;

  /** Whether passwordless login (passkeys) is allowed; name or number. */
  @ApiPropertyOptional({ enum: PasswordlessType.names, enumName: PasswordlessType.shortName, example: 'PASSWORDLESS_TYPE_ALLOWED' })
  @IsProtoEnum(PasswordlessType, { zeroAllowed: true })
  passwordlessType?: number;

  /** Hide the "forgot password" link. */
  @IsProtoBool()
  hidePasswordReset?: boolean;
  /** Do not tell the user whether a username exists. */
  @IsProtoBool()
  ignoreUnknownUsernames?: boolean;

  /** Where users are sent after login when no redirect is given: an absolute URI, or empty. */
  @ApiPropertyOptional({ example: 'https://console.example.com/' })
  @IsAbsoluteUriOrEmpty()
  defaultRedirectUri?: string;

  /** How long a password check stays valid, in whole seconds. */
  @ApiPropertyOptional({ example: '864000s' })
  @IsProtoDuration()
  passwordCheckLifetime?: string;
  /** How long an external login check stays valid. */
  @ApiPropertyOptional({ example: '864000s' })
  @IsProtoDuration()
  externalLoginCheckLifetime?: string;
  /** How long a user may skip setting up a second factor. */
  @ApiPropertyOptional({ example: '2592000s' })
  @IsProtoDuration()
  mfaInitSkipLifetime?: string;
  /** How long a second-factor check stays valid. */
  @ApiPropertyOptional({ example: '64800s' })
  @IsProtoDuration()
  secondFactorCheckLifetime?: string;
  /** How long a multi-factor check stays valid. */
  @ApiPropertyOptional({ example: '43200s' })
  @IsProtoDuration()
  multiFactorCheckLifetime?: string;

  /** Users of unknown usernames may be routed to their org by domain. */
  @IsProtoBool()
  allowDomainDiscovery?: boolean;
  /** Users may not log in with their email address. */
  @IsProtoBool()
  disableLoginWithEmail?: boolean;
  /** Users may not log in with their phone number. */
  @IsProtoBool()
  disableLoginWithPhone?: boolean;
  /** Second factor enforced only for local logins. */
  @IsProtoBool()
  forceMfaLocalOnly?: boolean;
  /** Links in notifications use the default redirect URI. */
  @IsProtoBool()
  useDefaultUriForNotificationLinks?: boolean;
}

/** Admin UpdateLoginPolicy: replaces the settings of the instance default (factors are untouched). */
export class UpdateLoginPolicyRequest extends LoginPolicySettingsRequest {}

/** Management UpdateCustomLoginPolicy: replaces the settings of the org's custom policy (factors untouched). */
export class UpdateCustomLoginPolicyRequest extends LoginPolicySettingsRequest {}

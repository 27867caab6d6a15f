import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested, ValidationArguments, registerDecorator } from 'class-validator';
import { PasskeysType, ResourceOwnerType, SettingsMultiFactorType, SettingsSecondFactorType } from '../../../common/proto/settings-enums.js';
import { IsProtoBool } from '../../../common/validation/settings.validators.js';

/** A query string carries `true`/`false` as text; a JSON or protobuf message as a bool. */
const queryBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `instance` and `orgId` are one oneof: a request may name the instance or an org, not both. */
function NotWithOrgId(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWithOrgId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'only one of ctx.orgId and ctx.instance may be set' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => !(value === true && typeof (args.object as RequestContext).orgId === 'string' && (args.object as RequestContext).orgId !== ''),
      },
    });
}

/**
 * `zitadel.object.v2.RequestContext`: whose settings to read. Over REST the query parameters
 * `ctx.orgId=<id>` or `ctx.instance=true`. Neither: the org of `x-zitadel-orgid`, else the
 * caller's own org.
 */
export class RequestContext {
  /** The org whose effective settings to read. */
  @ApiPropertyOptional({ example: '69629023906488399' })
  @IsOptional()
  @IsString({ message: 'value must be a string' })
  orgId?: string;

  /** Read the instance's settings (the default orgs follow). */
  @ApiPropertyOptional({ type: Boolean, example: true })
  @IsOptional()
  @Transform(queryBool)
  @IsProtoBool()
  @NotWithOrgId()
  instance?: boolean;
}

/** `zitadel.settings.v2.GetLoginSettingsRequest` */
export class GetLoginSettingsRequest {
  @IsOptional()
  @ValidateNested()
  @Type(() => RequestContext)
  ctx?: RequestContext;
}

/** `zitadel.object.v2.Details`: of a read, the last event applied to the settings read. */
export class Details {
  /** Sequence of that event, per aggregate (uint64 as a string). */
  @ApiProperty({ example: '12' })
  sequence: string;

  /** Time of that event. */
  @ApiProperty({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  changeDate: string;

  /** The org id, or the instance id when the instance's settings apply. */
  @ApiProperty({ example: '69629023906488334' })
  resourceOwner: string;

  /** Time of the first event of the settings read. */
  @ApiProperty({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  creationDate: string;
}

/** `zitadel.settings.v2.LoginSettings`: the login settings that apply, with their provenance. */
export class LoginSettings {
  /** Users may log in with username and password. */
  allowUsernamePassword: boolean;
  /** Users may register themselves. */
  allowRegister: boolean;
  /** Users may log in with an external identity provider. */
  allowExternalIdp: boolean;
  /** Every user must set up a second factor. */
  forceMfa: boolean;

  /** Whether passkeys (passwordless login) are allowed: v1's `passwordlessType`. */
  @ApiProperty({ enum: PasskeysType.names, enumName: 'PasskeysType', example: 'PASSKEYS_TYPE_ALLOWED' })
  passkeysType: string;

  /** Hide the "forgot password" link. */
  hidePasswordReset: boolean;
  /** Do not tell the user whether a username exists. */
  ignoreUnknownUsernames: boolean;

  /** Where users are sent after login when no redirect is given: an absolute URI, or empty. */
  @ApiProperty({ example: 'https://console.example.com/' })
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
  @ApiProperty({ enum: SettingsSecondFactorType.names, enumName: 'SettingsSecondFactorType', isArray: true })
  secondFactors: string[];

  /** Allowed multi factors, in the order they were added. */
  @ApiProperty({ enum: SettingsMultiFactorType.names, enumName: 'SettingsMultiFactorType', isArray: true })
  multiFactors: string[];

  /** Users of unknown usernames may be routed to their org by domain. */
  allowDomainDiscovery: boolean;
  /** Users may not log in with their email address. */
  disableLoginWithEmail: boolean;
  /** Users may not log in with their phone number. */
  disableLoginWithPhone: boolean;

  /** ORG when the org has a custom login policy; INSTANCE when the instance default applies (and for `ctx.instance`). */
  @ApiProperty({ enum: ResourceOwnerType.names, enumName: 'ResourceOwnerType', example: 'RESOURCE_OWNER_TYPE_ORG' })
  resourceOwnerType: string;

  /** Second factor enforced only for local (not external IdP) logins. */
  forceMfaLocalOnly: boolean;
}

/** `zitadel.settings.v2.GetLoginSettingsResponse` */
export class GetLoginSettingsResponse {
  @ApiProperty({ type: Details })
  details: Details;

  @ApiProperty({ type: LoginSettings })
  settings: LoginSettings;
}

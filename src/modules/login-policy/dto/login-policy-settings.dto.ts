import { ApiPropertyOptional } from '@nestjs/swagger';
import { ProtoEnum } from '../../../common/proto/proto-enum.js';
import { IsProtoEnum } from '../../../common/validation/proto-enum.validator.js';
import { IsAbsoluteUriOrEmpty, IsProtoBool, IsProtoDuration } from '../../../common/validation/settings.validators.js';
import { LOGIN_POLICY_SETTINGS, SETTINGS, SettingKind, SettingName, SettingSpec } from '../login-policy-settings.js';

/** A setting as a request carries it (after validation: enums as numbers, durations as "64800s"). */
interface RequestValues {
  boolean: boolean;
  enum: number;
  duration: string;
  uri: string;
}
type SettingsRequestFields = { [N in SettingName]?: RequestValues[(typeof LOGIN_POLICY_SETTINGS)[N]['kind']] };

type FieldDecorator = (target: object, propertyName: string) => void;

/** Both decorators on one field. */
const both =
  (first: FieldDecorator, second: FieldDecorator): FieldDecorator =>
  (target, propertyName) => {
    first(target, propertyName);
    second(target, propertyName);
  };

/** Validation and API documentation of a setting in a request, by kind. */
const REQUEST_FIELD: Record<SettingKind, (setting: SettingSpec) => FieldDecorator> = {
  boolean: (setting) => both(IsProtoBool(), ApiPropertyOptional({ type: Boolean, description: setting.description })),
  enum: (setting) => {
    const protoEnum = setting.protoEnum as ProtoEnum;
    return both(
      IsProtoEnum(protoEnum, { zeroAllowed: true }),
      ApiPropertyOptional({ enum: protoEnum.names, enumName: protoEnum.shortName, example: setting.example, description: `${setting.description} Name or number.` }),
    );
  },
  duration: (setting) => both(IsProtoDuration(), ApiPropertyOptional({ type: String, example: setting.example, description: `${setting.description} In whole seconds.` })),
  uri: (setting) => both(IsAbsoluteUriOrEmpty(), ApiPropertyOptional({ type: String, example: setting.example, description: setting.description })),
};

/**
 * The settings of a login policy as requests carry them, one field per row of the settings
 * table. As in ZITADEL, an absent field means its zero value (false, 0s, empty), so send every
 * setting you want to keep.
 */
export class LoginPolicySettingsRequest {}
export interface LoginPolicySettingsRequest extends SettingsRequestFields {}
for (const setting of SETTINGS) REQUEST_FIELD[setting.kind](setting)(LoginPolicySettingsRequest.prototype, setting.name);

/** Admin UpdateLoginPolicy: replaces the settings of the instance default (factors are untouched). */
export class UpdateLoginPolicyRequest extends LoginPolicySettingsRequest {}

/** Management UpdateCustomLoginPolicy: replaces the settings of the org's custom policy (factors untouched). */
export class UpdateCustomLoginPolicyRequest extends LoginPolicySettingsRequest {}

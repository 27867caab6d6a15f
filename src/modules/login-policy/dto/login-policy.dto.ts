import { ApiProperty } from '@nestjs/swagger';
import { ObjectDetails } from '../../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';
import { ProtoEnum } from '../../../common/proto/proto-enum.js';
import { LOGIN_POLICY_SETTINGS, SETTINGS, SettingKind, SettingName, SettingSpec } from '../login-policy-settings.js';

/** A setting as an answer writes it: booleans, and enums, durations ("64800s") and URIs as text. */
interface ResponseValues {
  boolean: boolean;
  enum: string;
  duration: string;
  uri: string;
}
type SettingsResponseFields = { [N in SettingName]: ResponseValues[(typeof LOGIN_POLICY_SETTINGS)[N]['kind']] };

const RESPONSE_FIELD: Record<SettingKind, (setting: SettingSpec) => PropertyDecorator> = {
  boolean: (setting) => ApiProperty({ type: Boolean, description: setting.description }),
  enum: (setting) => {
    const protoEnum = setting.protoEnum as ProtoEnum;
    return ApiProperty({ enum: protoEnum.names, enumName: protoEnum.shortName, example: setting.example, description: setting.description });
  },
  duration: (setting) => ApiProperty({ type: String, example: setting.example, description: setting.description }),
  uri: (setting) => ApiProperty({ type: String, example: setting.example, description: setting.description }),
};

/** `zitadel.policy.v1.LoginPolicy`: its settings (one per row of the settings table), factors and details. */
export class LoginPolicy {
  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;

  /** True when this is the instance default (the org has no custom policy). */
  isDefault: boolean;

  /** Allowed second factors, in the order they were added. */
  @ApiProperty({ enum: SecondFactorType.names, enumName: SecondFactorType.shortName, isArray: true })
  secondFactors: string[];

  /** Allowed multi factors, in the order they were added. */
  @ApiProperty({ enum: MultiFactorType.names, enumName: MultiFactorType.shortName, isArray: true })
  multiFactors: string[];

  /** Identity providers; always empty in this service. */
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [] })
  idps: Record<string, never>[];
}
export interface LoginPolicy extends SettingsResponseFields {}
for (const setting of SETTINGS) RESPONSE_FIELD[setting.kind](setting)(LoginPolicy.prototype, setting.name);

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

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional } from 'class-validator';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';
import { IsProtoEnum } from '../../../common/validation/proto-enum.validator.js';
import { LoginPolicySettingsRequest } from './login-policy-settings.dto.js';

/**
 * Management AddCustomLoginPolicy: the org's own policy with these settings and exactly these
 * factors (the default's factors are not copied). Duplicates collapse; UNSPECIFIED is refused.
 */
export class AddCustomLoginPolicyRequest extends LoginPolicySettingsRequest {
  /** Second factors, by name or number. */
  @ApiPropertyOptional({ enum: SecondFactorType.nonZeroNames, isArray: true, example: ['SECOND_FACTOR_TYPE_OTP'] })
  @IsOptional()
  @IsArray({ message: 'value must be a list' })
  @IsProtoEnum(SecondFactorType, { each: true })
  secondFactors?: number[];

  /** Multi factors, by name or number. */
  @ApiPropertyOptional({ enum: MultiFactorType.nonZeroNames, isArray: true, example: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'] })
  @IsOptional()
  @IsArray({ message: 'value must be a list' })
  @IsProtoEnum(MultiFactorType, { each: true })
  multiFactors?: number[];

  /** Identity providers are not managed by this service; the field is accepted and ignored. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, example: [] })
  idps?: unknown[];
}

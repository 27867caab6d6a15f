import { ApiPropertyOptional } from '@nestjs/swagger';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';
import { FactorListField } from './factor-list.field.js';
import { LoginPolicySettingsRequest } from './login-policy-settings.dto.js';

/**
 * Management AddCustomLoginPolicy: the org's own policy with these settings and exactly these
 * factors (the default's factors are not copied). Duplicates collapse; UNSPECIFIED is refused.
 */
export class AddCustomLoginPolicyRequest extends LoginPolicySettingsRequest {
  /** Second factors, by name or number. */
  @FactorListField(SecondFactorType, ['SECOND_FACTOR_TYPE_OTP'])
  secondFactors?: number[];

  /** Multi factors, by name or number. */
  @FactorListField(MultiFactorType, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'])
  multiFactors?: number[];

  /** Identity providers are not managed by this service; the field is accepted and ignored. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, example: [] })
  idps?: unknown[];
}

import { ApiProperty } from '@nestjs/swagger';
import { ListDetails } from '../../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';

export class ListLoginPolicySecondFactorsResponse {
  @ApiProperty({ type: ListDetails })
  details: ListDetails;

  /** The second factors, in the order they were added. Always present (empty when none). */
  @ApiProperty({
    enum: SecondFactorType.names,
    enumName: SecondFactorType.shortName,
    isArray: true,
    example: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'],
  })
  result: string[];
}

export class ListLoginPolicyMultiFactorsResponse {
  @ApiProperty({ type: ListDetails })
  details: ListDetails;

  /** The multi factors, in the order they were added. Always present (empty when none). */
  @ApiProperty({
    enum: MultiFactorType.names,
    enumName: MultiFactorType.shortName,
    isArray: true,
    example: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'],
  })
  result: string[];
}

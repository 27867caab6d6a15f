import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ObjectDetails } from '../../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';
import { FactorListField } from '../../login-policy/dto/factor-list.field.js';

/** `loginpolicyfactors.v1.SetLoginPolicyFactorsRequest`: the whole factor set wanted. */
export class SetLoginPolicyFactorsRequest {
  /** The second factors wanted, by name or number, in the order to keep; duplicates collapse; absent means none. */
  @FactorListField(SecondFactorType, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'])
  secondFactors?: number[];

  /** The multi factors wanted; absent means none. */
  @FactorListField(MultiFactorType, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'])
  multiFactors?: number[];

  /** Make the change even if it leaves users unable to log in (refused with FAILED_PRECONDITION otherwise). */
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'value must be true or false' })
  allowLockout?: boolean;
}

/** Factors by kind, by name. */
export class FactorListsMessage {
  @ApiProperty({ enum: SecondFactorType.names, enumName: SecondFactorType.shortName, isArray: true, example: ['SECOND_FACTOR_TYPE_U2F'] })
  secondFactors: string[];

  @ApiProperty({ enum: MultiFactorType.names, enumName: MultiFactorType.shortName, isArray: true, example: [] })
  multiFactors: string[];
}

export class SetLoginPolicyFactorsResponse {
  /** The policy after the call: the new sequence, or when nothing changed, the current one. */
  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;

  /** What the call added (or, with validateOnly, would add). */
  @ApiProperty({ type: FactorListsMessage })
  added: FactorListsMessage;

  /** What the call removed (or would remove). */
  @ApiProperty({ type: FactorListsMessage })
  removed: FactorListsMessage;
}

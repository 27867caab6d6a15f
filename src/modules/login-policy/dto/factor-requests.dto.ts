import { ApiProperty } from '@nestjs/swagger';
import { MultiFactorType, SecondFactorType } from '../../../common/proto/policy-enums.js';
import { IsProtoEnum } from '../../../common/validation/proto-enum.validator.js';

/** Adds a second factor (2FA) to the login policy. */
export class AddSecondFactorToLoginPolicyRequest {
  /** The second factor, by name or number; UNSPECIFIED (0) is refused. */
  @ApiProperty({ enum: SecondFactorType.nonZeroNames, example: 'SECOND_FACTOR_TYPE_OTP_EMAIL' })
  @IsProtoEnum(SecondFactorType)
  type: number;
}

/** Adds a passwordless multi factor (MFA) to the login policy. */
export class AddMultiFactorToLoginPolicyRequest {
  /** The multi factor, by name or number; UNSPECIFIED (0) is refused. */
  @ApiProperty({ enum: MultiFactorType.nonZeroNames, example: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' })
  @IsProtoEnum(MultiFactorType)
  type: number;
}

/** Removes a second factor (gRPC; REST carries the type in the path). */
export class RemoveSecondFactorFromLoginPolicyRequest {
  @IsProtoEnum(SecondFactorType)
  type: number;
}

/** Removes a multi factor (gRPC; REST carries the type in the path). */
export class RemoveMultiFactorFromLoginPolicyRequest {
  @IsProtoEnum(MultiFactorType)
  type: number;
}

/** The `_search` calls take an empty object, or no body at all; there is nothing to filter. */
export class ListLoginPolicyFactorsRequest {}

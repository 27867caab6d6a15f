import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional } from 'class-validator';
import { ProtoEnum } from '../../../common/proto/proto-enum.js';
import { IsProtoEnum } from '../../../common/validation/proto-enum.validator.js';

/**
 * An optional list of factors in a request, by name or number: a list, of defined values other
 * than UNSPECIFIED (0); stored as numbers. `example` is what Swagger UI offers.
 */
export function FactorListField(protoEnum: ProtoEnum, example: string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: protoEnum.nonZeroNames, isArray: true, example }),
    IsOptional(),
    IsArray({ message: 'value must be a list' }),
    IsProtoEnum(protoEnum, { each: true }) as PropertyDecorator,
  );
}

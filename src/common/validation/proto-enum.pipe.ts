import { PipeTransform } from '@nestjs/common';
import { ProtoEnum, enumViolation } from '../proto/proto-enum.js';
import { invalidRequest } from './invalid-request.js';

/** A protobuf enum in a path parameter (`/second_factors/{type}`): name or number, never 0 or unknown. */
export class ProtoEnumPipe implements PipeTransform<string, number> {
  constructor(
    private readonly protoEnum: ProtoEnum,
    private readonly requestName: string,
    private readonly field: string,
  ) {}

  transform(value: string): number {
    const violation = enumViolation(this.protoEnum, value, false);
    if (violation) throw invalidRequest(this.requestName, [{ field: this.field, description: violation }]);
    return this.protoEnum.toNumber(value) as number;
  }
}

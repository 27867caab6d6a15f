import { ApiParam } from '@nestjs/swagger';
import { ProtoEnum } from '../../common/proto/proto-enum.js';

/**
 * The `{type}` path parameter of the remove calls: only the names a request may use (UNSPECIFIED
 * is refused), with a factor the default policy holds as the example, so Swagger UI's Execute works.
 */
export function ApiFactorTypeParam(protoEnum: ProtoEnum, example: string): MethodDecorator {
  return ApiParam({ name: 'type', description: 'The factor, by name or number; UNSPECIFIED (0) is refused.', schema: { type: 'string', enum: protoEnum.nonZeroNames, example } });
}

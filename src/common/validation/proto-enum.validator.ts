import { Transform } from 'class-transformer';
import { ValidationOptions, registerDecorator } from 'class-validator';
import { ProtoEnum, enumViolation } from '../proto/proto-enum.js';

/**
 * A protobuf enum field of a request: accepts the value's name or number, stores the number,
 * and rejects unknown values (and 0 unless `zeroAllowed`). With `each`, applies to every item.
 */
export function IsProtoEnum(protoEnum: ProtoEnum, options: { zeroAllowed?: boolean; each?: boolean } = {}) {
  const zeroAllowed = options.zeroAllowed ?? false;
  const toNumber = (value: unknown) => protoEnum.toNumber(value) ?? value;
  const validationOptions: ValidationOptions = { each: options.each };
  return function (target: object, propertyName: string): void {
    Transform(({ value }) => (options.each && Array.isArray(value) ? value.map(toNumber) : toNumber(value)))(
      target,
      propertyName,
    );
    registerDecorator({
      name: 'isProtoEnum',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => enumViolation(protoEnum, value, zeroAllowed) === undefined,
        defaultMessage: (args) => enumViolation(protoEnum, args?.value, zeroAllowed) ?? 'invalid value',
      },
    });
  };
}

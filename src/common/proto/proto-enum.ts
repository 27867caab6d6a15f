/**
 * A protobuf enum as the JSON mapping sees it: written as names, read as names or numbers.
 */
export class ProtoEnum<Name extends string = string> {
  private readonly byName: ReadonlyMap<string, number>;
  private readonly byNumber: ReadonlyMap<number, Name>;

  constructor(
    /** Fully qualified protobuf name, e.g. `zitadel.policy.v1.SecondFactorType`. */
    readonly fullName: string,
    values: Record<Name, number>,
  ) {
    this.byName = new Map(Object.entries<number>(values));
    this.byNumber = new Map(Object.entries<number>(values).map(([name, value]) => [value, name as Name]));
  }

  get shortName(): string {
    return this.fullName.slice(this.fullName.lastIndexOf('.') + 1);
  }

  get names(): Name[] {
    return [...this.byNumber.values()];
  }

  /** The names a request may carry where 0 is refused: all but the zero value's (`…_UNSPECIFIED`). */
  get nonZeroNames(): Name[] {
    return [...this.byNumber].filter(([value]) => value !== 0).map(([, name]) => name);
  }

  /** The number for a name or a defined number (also as a numeric string); undefined otherwise. */
  toNumber(value: unknown): number | undefined {
    if (typeof value === 'string') {
      const named = this.byName.get(value);
      if (named !== undefined) return named;
      value = /^-?\d+$/.test(value) ? Number(value) : value;
    }
    return typeof value === 'number' && this.byNumber.has(value) ? value : undefined;
  }

  nameOf(value: number): Name {
    const name = this.byNumber.get(value);
    if (name === undefined) throw new Error(`${value} is not a value of ${this.fullName}`);
    return name;
  }
}

export const ENUM_ZERO_REJECTED = 'value must not be in list [0]';
export const ENUM_UNDEFINED_REJECTED = 'value must be one of the defined enum values';

/**
 * Why `value` is not acceptable for `protoEnum`, or undefined when it is. Missing counts as 0,
 * as in proto3, so a missing `type` reads "value must not be in list [0]" like ZITADEL's answer.
 */
export function enumViolation(protoEnum: ProtoEnum, value: unknown, zeroAllowed: boolean): string | undefined {
  const number = value === undefined || value === null ? 0 : protoEnum.toNumber(value);
  if (number === undefined) return ENUM_UNDEFINED_REJECTED;
  if (number === 0 && !zeroAllowed) return ENUM_ZERO_REJECTED;
  return undefined;
}

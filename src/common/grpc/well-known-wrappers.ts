import protobuf from 'protobufjs';

/**
 * Decoding side of the JSON shapes: protobufjs (and so @grpc/proto-loader) turns a Timestamp into
 * an RFC 3339 string and a Duration into a seconds string ("64800s"), as the REST door receives
 * them. Must run before any .proto file is loaded. (Encoding goes through `toProtoObject`.)
 */
type Wrapper = protobuf.IWrapper;
type Seconds = protobuf.Message & { seconds?: unknown; nanos?: number };

const wrappers = protobuf.wrappers as Record<string, Wrapper>;

function passThrough(this: protobuf.Type, value: { [key: string]: unknown }): protobuf.Message {
  return this.fromObject(value);
}

wrappers['.google.protobuf.Timestamp'] = {
  fromObject: passThrough,
  toObject(message: Seconds) {
    const millis = Number(message.seconds ?? 0) * 1000 + Math.floor((message.nanos ?? 0) / 1_000_000);
    return new Date(millis).toISOString() as unknown as { [key: string]: unknown };
  },
};

wrappers['.google.protobuf.Duration'] = {
  fromObject: passThrough,
  toObject(message: Seconds) {
    const seconds = Number(message.seconds ?? 0);
    const nanos = message.nanos ?? 0;
    // a fractional part is kept so validation can refuse it, instead of silently dropping it
    const text = nanos === 0 ? `${seconds}s` : `${seconds}.${String(nanos).padStart(9, '0')}s`;
    return text as unknown as { [key: string]: unknown };
  },
};

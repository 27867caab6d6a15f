import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';

const PREFACE_LENGTH = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
const FRAME_HEADER_LENGTH = 9;
const HEADERS_FRAME = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;

/** An HPACK integer with an `prefixBits`-bit prefix (RFC 7541 §5.1). */
function hpackInteger(value: number, prefixBits: number, firstByte = 0): Buffer {
  const limit = (1 << prefixBits) - 1;
  if (value < limit) return Buffer.from([firstByte | value]);
  const bytes = [firstByte | limit];
  for (value -= limit; value >= 128; value = Math.floor(value / 128)) bytes.push((value % 128) | 128);
  bytes.push(value);
  return Buffer.from(bytes);
}

/** A header field as "literal without indexing, new name", plain strings (RFC 7541 §6.2.2): it leaves the decoder's table as it was. */
function literalField(name: string, value: string): Buffer {
  const string = (text: string) => Buffer.concat([hpackInteger(Buffer.byteLength(text), 7), Buffer.from(text)]);
  return Buffer.concat([Buffer.from([0x00]), string(name), string(value)]);
}

/**
 * A TCP proxy in front of an HTTP/2 server that appends one header field to every request's
 * header block, for what no HTTP/2 client of node will send: a header repeated that node treats
 * as single-valued (`authorization`). Point a gRPC client at `address`; everything else passes
 * unchanged. Handles header blocks in one HEADERS frame without padding or priority (what grpc-js
 * sends for small metadata).
 */
export class H2HeaderProxy {
  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async start(target: string, name: string, value: string): Promise<H2HeaderProxy> {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const extra = literalField(name, value);
    const server = createServer((client) => {
      const upstream = connect(port, host);
      upstream.pipe(client);
      client.on('data', rewriter(upstream, extra));
      client.on('end', () => upstream.end());
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new H2HeaderProxy(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Forwards the client's bytes frame by frame, with `extra` appended to each HEADERS frame's block. */
function rewriter(upstream: Socket, extra: Buffer): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let prefaceSent = false;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (!prefaceSent) {
      if (pending.length < PREFACE_LENGTH) return;
      upstream.write(pending.subarray(0, PREFACE_LENGTH));
      pending = pending.subarray(PREFACE_LENGTH);
      prefaceSent = true;
    }
    while (pending.length >= FRAME_HEADER_LENGTH) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < FRAME_HEADER_LENGTH + length) return;
      const frame = pending.subarray(0, FRAME_HEADER_LENGTH + length);
      pending = pending.subarray(FRAME_HEADER_LENGTH + length);
      const [type, flags] = [frame[3], frame[4]];
      if (type !== HEADERS_FRAME) {
        upstream.write(frame);
        continue;
      }
      if (!(flags & END_HEADERS) || flags & (PADDED | PRIORITY)) throw new Error(`a HEADERS frame this proxy cannot extend (flags ${flags})`);
      const header = Buffer.from(frame.subarray(0, FRAME_HEADER_LENGTH));
      header.writeUIntBE(length + extra.length, 0, 3);
      upstream.write(Buffer.concat([header, frame.subarray(FRAME_HEADER_LENGTH), extra]));
    }
  };
}

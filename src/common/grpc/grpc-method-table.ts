import { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { SERVICE_PACKAGES } from './proto-files.js';

/** One method of a served service, with the (JSON-shaped) codecs of its messages. */
export interface GrpcMethodEntry {
  /** `/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy` */
  path: string;
  /** The service name handlers are registered under (`AdminService`, `Health`). */
  service: string;
  method: string;
  requestType: string;
  requestStream: boolean;
  responseStream: boolean;
  decodeRequest: (bytes: Buffer) => unknown;
  encodeResponse: (value: unknown) => Buffer;
}

/**
 * The methods of a package definition, as the gRPC door serves them: what the gRPC-web door
 * registers its routes from, so both doors answer the same methods with the same codecs.
 */
export class GrpcMethodTable {
  private readonly methods: GrpcMethodEntry[] = [];
  private readonly services = new Set<string>();

  constructor(definition: PackageDefinition) {
    for (const [qualifiedName, service] of Object.entries(definition)) {
      if ('format' in service) continue; // a message or enum type, not a service
      this.services.add(qualifiedName);
      for (const [method, rpc] of Object.entries(service as Record<string, MethodDefinition<object, object>>)) {
        this.methods.push({
          path: rpc.path,
          service: serviceName(qualifiedName),
          method,
          // read when an error message needs it: the descriptor it comes from is built on first use
          get requestType() {
            return messageName(rpc);
          },
          requestStream: rpc.requestStream,
          responseStream: rpc.responseStream,
          decodeRequest: (bytes) => rpc.requestDeserialize(bytes),
          encodeResponse: (value) => rpc.responseSerialize(value as object),
        });
      }
    }
  }

  hasService(qualifiedName: string): boolean {
    return this.services.has(qualifiedName);
  }

  all(): readonly GrpcMethodEntry[] {
    return this.methods;
  }
}

/** The name relative to its package, which is how Nest's gRPC patterns name a service. */
function serviceName(qualifiedName: string): string {
  const pkg = SERVICE_PACKAGES.find((name) => qualifiedName.startsWith(`${name}.`));
  return pkg ? qualifiedName.slice(pkg.length + 1) : qualifiedName;
}

/** The request message's name, for error messages. */
function messageName(rpc: MethodDefinition<object, object>): string {
  const descriptor = rpc.requestType.type as { name?: string };
  return descriptor.name ?? 'request';
}

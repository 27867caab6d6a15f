import { ReflectionService } from '@grpc/reflection';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '../config/app-config.js';
import { PROTO_ROOT, SERVICE_PACKAGES, SERVICE_PROTO_FILES } from './proto-files.js';
import { useJsonShapes } from './json-shaped-methods.js';

/**
 * The gRPC door: our .proto files, decoded to the same JSON-shaped objects the REST door takes
 * (camelCase, enums as names, 64-bit numbers as strings, all fields present), plus server
 * reflection. Health is a regular handler (grpc.health.v1).
 */
export function grpcOptions(config: AppConfig): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url: `0.0.0.0:${config.grpcPort}`,
      package: SERVICE_PACKAGES,
      protoPath: SERVICE_PROTO_FILES,
      loader: { includeDirs: [PROTO_ROOT], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
      onLoadPackageDefinition: (definition, server) => {
        useJsonShapes(definition as Record<string, unknown>);
        new ReflectionService(definition).addToServer(server as Parameters<ReflectionService['addToServer']>[0]);
      },
    },
  };
}

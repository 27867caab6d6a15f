import { ReflectionService } from '@grpc/reflection';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '../config/app-config.js';
import { SERVICE_PACKAGES } from './proto-files.js';
import { serviceDefinition } from './service-definition.js';

/**
 * The gRPC door: our .proto files, decoded to the same JSON-shaped objects the REST door takes,
 * plus server reflection. Health is a regular handler (grpc.health.v1).
 */
export function grpcOptions(config: AppConfig): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url: `0.0.0.0:${config.grpcPort}`,
      package: SERVICE_PACKAGES,
      packageDefinition: serviceDefinition(),
      onLoadPackageDefinition: (definition, server) => {
        new ReflectionService(definition).addToServer(server as Parameters<ReflectionService['addToServer']>[0]);
      },
    },
  };
}

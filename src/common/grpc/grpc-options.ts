import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '../config/app-config.js';
import { ConnectionCap } from '../http/connection-cap.js';
import { BODY_LIMIT_BYTES } from '../http/json-body-parser.js';
import { listenAddress } from '../startup/listen-address.js';
import { http2ServersOf } from './http2-servers.js';
import { RequestMetrics } from '../metrics/request-metrics.js';
import { measureGrpcCalls } from './grpc-call-metrics.js';
import { oneCopyOfGrpc } from './one-copy-of-grpc.js';
import { addLazyReflection } from './lazy-reflection.js';
import { SERVICE_PACKAGES } from './proto-files.js';
import { keepRepeatedAuthorization } from './repeated-authorization.js';
import { serviceDefinition } from './service-definition.js';

/**
 * The gRPC door: our .proto files, decoded to the same JSON-shaped objects the REST door takes,
 * plus server reflection (its index built on the first reflection call). Health is a regular handler (grpc.health.v1).
 * Nest loads the definition once the server is bound, before it adds the services.
 */
export function grpcOptions(config: AppConfig, connectionCap: ConnectionCap, metrics: RequestMetrics): GrpcOptions {
  // Nest's gRPC server requires @grpc/grpc-js and @grpc/proto-loader by name, from its own folder
  oneCopyOfGrpc(require.resolve('@nestjs/microservices'));
  return {
    transport: Transport.GRPC,
    options: {
      url: listenAddress(config.grpcHost, config.grpcPort),
      package: SERVICE_PACKAGES,
      packageDefinition: serviceDefinition(),
      // a request message may be as large as a REST body; a larger one is refused with RESOURCE_EXHAUSTED before it is decoded
      maxReceiveMessageLength: BODY_LIMIT_BYTES,
      onLoadPackageDefinition: (definition, server) => {
        addLazyReflection(definition as PackageDefinition, server as Server);
        // after reflection: the API's calls are measured, reflection's are not
        measureGrpcCalls(server as Server, metrics);
        keepRepeatedAuthorization(server as Server);
        for (const http2 of http2ServersOf(server as Server, 'the gRPC door cannot cap its connections')) connectionCap.apply(http2, 'GRPC_PORT');
      },
    },
  };
}

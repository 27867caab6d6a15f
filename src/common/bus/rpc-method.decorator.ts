import { UseInterceptors, applyDecorators } from '@nestjs/common';
import { GrpcMethodStreamingType, MessagePattern } from '@nestjs/microservices';
import { UndecodableMessageRefusal } from '../grpc/undecodable-message.js';
import { ApiService, apiRequestPattern } from './bus-names.js';

/**
 * Serves a handler as `<Service>.<Method>` on both RPC doors: the gRPC method, and the bus request
 * pattern `<proto package>.<Service>.<Method>` (SPEC §8). One handler, one set of guards, pipes
 * and filters for both; the gRPC server picks the first pattern, the bus server the second.
 * A gRPC message that could not be decoded is refused after the guard (undecodable-message.ts).
 */
export function RpcMethod(service: ApiService, method: string): MethodDecorator {
  return applyDecorators(
    MessagePattern([{ service, rpc: method, streaming: GrpcMethodStreamingType.NO_STREAMING }, apiRequestPattern(service, method)]),
    UseInterceptors(UndecodableMessageRefusal),
  );
}

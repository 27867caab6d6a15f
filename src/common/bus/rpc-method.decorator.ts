import { GrpcMethodStreamingType, MessagePattern } from '@nestjs/microservices';
import { ApiService, apiRequestPattern } from './bus-names.js';

/**
 * Serves a handler as `<Service>.<Method>` on both RPC doors: the gRPC method, and the bus request
 * pattern `zitadel.<api>.v1.<Service>.<Method>` (SPEC §8). One handler, one set of guards, pipes
 * and filters for both; the gRPC server picks the first pattern, the bus server the second.
 */
export function RpcMethod(service: ApiService, method: string): MethodDecorator {
  return MessagePattern([{ service, rpc: method, streaming: GrpcMethodStreamingType.NO_STREAMING }, apiRequestPattern(service, method)]);
}

import { Controller, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable, from, map } from 'rxjs';
import { Public } from '../../common/auth/route-access.decorator.js';
import { UndecodableMessageRefusal } from '../../common/grpc/undecodable-message.js';
import { ReadinessService } from './readiness.service.js';

type ServingStatus = 'SERVING' | 'NOT_SERVING';

/** `grpc.health.v1.Health`: SERVING while the service is ready (database, and the bus when configured), NOT_SERVING otherwise. */
@Public()
@ApiExcludeController()
@Controller()
@UseInterceptors(UndecodableMessageRefusal)
export class HealthGrpcController {
  constructor(private readonly readiness: ReadinessService) {}

  @GrpcMethod('Health', 'Check')
  async check(): Promise<{ status: ServingStatus }> {
    return { status: await this.status() };
  }

  /** Answers the current status once; clients poll or re-watch. */
  @GrpcMethod('Health', 'Watch')
  watch(): Observable<{ status: ServingStatus }> {
    return from(this.status()).pipe(map((status) => ({ status })));
  }

  private async status(): Promise<ServingStatus> {
    return (await this.readiness.isReady()) ? 'SERVING' : 'NOT_SERVING';
  }
}

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { tracing } from './tracing.js';

/** Sends the spans still waiting when the application closes (the last of its calls included). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return tracing.shutdown();
  }
}

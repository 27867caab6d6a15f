import { Global, Module } from '@nestjs/common';
import { BusConnections } from './bus-connections.service.js';

/** The message bus connections (none when BUS_TRANSPORT=none). */
@Global()
@Module({ providers: [BusConnections], exports: [BusConnections] })
export class BusModule {}

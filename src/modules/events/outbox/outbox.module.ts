import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.service.js';
import { OutboxRepository } from './outbox.repository.js';

/** The relay that publishes the outbox to the message bus (idle when no bus is configured). */
@Module({ providers: [OutboxRepository, OutboxRelay] })
export class OutboxModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEntryEntity } from './outbox-entry.entity.js';
import { OutboxLeaseEntity } from './outbox-lease.entity.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { OutboxRepository } from './outbox.repository.js';

/** The relay that publishes the outbox to the message bus (idle when no bus is configured). */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntryEntity, OutboxLeaseEntity])],
  providers: [OutboxRepository, OutboxRelay],
})
export class OutboxModule {}

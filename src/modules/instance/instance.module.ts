import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { InstanceIdentityEntity } from './instance-identity.entity.js';
import { InstanceIdentityRepository } from './instance-identity.repository.js';
import { InstanceService } from './instance.service.js';

@Module({
  imports: [EventsModule, LoginPolicyModule, TypeOrmModule.forFeature([InstanceIdentityEntity])],
  providers: [InstanceIdentityRepository, InstanceService],
  exports: [InstanceService],
})
export class InstanceModule {}

import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { InstanceIdentityRepository } from './instance-identity.repository.js';
import { InstanceService } from './instance.service.js';

@Module({
  imports: [EventsModule, LoginPolicyModule],
  providers: [InstanceIdentityRepository, InstanceService],
  exports: [InstanceService],
})
export class InstanceModule {}

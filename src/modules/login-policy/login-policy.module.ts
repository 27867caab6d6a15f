import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { LoginPolicyRepository } from './login-policy.repository.js';
import { LoginPolicyService } from './login-policy.service.js';

@Module({
  imports: [EventsModule],
  providers: [LoginPolicyRepository, LoginPolicyService],
  exports: [LoginPolicyService],
})
export class LoginPolicyModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { LockoutGuard } from './lockout-guard.service.js';
import { LoginPolicyFactorEntity } from './login-policy-factor.entity.js';
import { LoginPolicyEntity } from './login-policy.entity.js';
import { LoginPolicyRepository } from './login-policy.repository.js';
import { LoginPolicyService } from './login-policy.service.js';

@Module({
  imports: [EventsModule, TypeOrmModule.forFeature([LoginPolicyEntity, LoginPolicyFactorEntity])],
  providers: [LoginPolicyRepository, LoginPolicyService, LockoutGuard],
  exports: [LoginPolicyService],
})
export class LoginPolicyModule {}

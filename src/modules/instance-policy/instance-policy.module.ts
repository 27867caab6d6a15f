import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { InstancePolicyController } from './instance-policy.controller.js';

/** The Admin API (every door) onto the login-policy core, for the instance default. */
@Module({
  imports: [LoginPolicyModule, InstanceModule],
  controllers: [InstancePolicyController],
})
export class InstancePolicyModule {}

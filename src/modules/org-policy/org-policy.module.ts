import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { OrgPolicyController } from './org-policy.controller.js';

/** The Management API doors onto the login-policy core, for one org at a time. */
@Module({
  imports: [LoginPolicyModule, InstanceModule],
  controllers: [OrgPolicyController],
})
export class OrgPolicyModule {}

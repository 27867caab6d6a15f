import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { FactorSetsController } from './factor-sets.controller.js';

/** Our extension: declarative factor sets (every door), onto the login-policy core. */
@Module({
  imports: [LoginPolicyModule, InstanceModule],
  controllers: [FactorSetsController],
})
export class FactorSetsModule {}

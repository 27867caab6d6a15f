import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { SettingsController } from './settings.controller.js';

/** ZITADEL's v2 settings API onto the login-policy core (GetLoginSettings). */
@Module({
  imports: [LoginPolicyModule, InstanceModule],
  controllers: [SettingsController],
})
export class SettingsModule {}

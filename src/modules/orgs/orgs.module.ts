import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { InstanceModule } from '../instance/instance.module.js';
import { LoginPolicyModule } from '../login-policy/login-policy.module.js';
import { MyOrgController } from './my-org.controller.js';
import { OrgEntity } from './org.entity.js';
import { OrgRepository } from './org.repository.js';
import { OrgService } from './org.service.js';
import { OrgsAdminController } from './orgs-admin.controller.js';

@Module({
  imports: [EventsModule, InstanceModule, LoginPolicyModule, TypeOrmModule.forFeature([OrgEntity])],
  controllers: [MyOrgController, OrgsAdminController],
  providers: [OrgRepository, OrgService],
  exports: [OrgService],
})
export class OrgsModule {}

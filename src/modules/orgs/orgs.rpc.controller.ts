import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { RpcMethod } from '../../common/bus/rpc-method.decorator.js';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission, Permission } from '../../common/auth/route-access.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { pageOf } from '../../common/proto/list-query.dto.js';
import { toDetailsResponse, toObjectDetails } from '../login-policy/login-policy.mapper.js';
import { AddOrgRequest, AddOrgResponse, GetOrgByIDRequest, GetOrgResponse, ListOrgsRequest, ListOrgsResponse } from './dto/org.dto.js';
import { toListOrgsResponse, toOrgMessage } from './org.mapper.js';
import { OrgService } from './org.service.js';

/** gRPC and bus doors of the org registry: AddOrg, GetMyOrg, RemoveOrg (Management) and ListOrgs, GetOrgByID (Admin). */
@ApiExcludeController()
@Controller()
export class OrgsRpcController {
  constructor(private readonly orgs: OrgService) {}

  @RpcMethod('ManagementService', 'AddOrg')
  @Permission('org.create')
  async addOrg(@Payload() request: AddOrgRequest, @Caller() caller: AuthContext): Promise<AddOrgResponse> {
    const created = await this.orgs.addOrg(request.name, caller.userId);
    return { id: created.id, details: toObjectDetails(created.details) };
  }

  @RpcMethod('ManagementService', 'GetMyOrg')
  @OrgPermission('org.read')
  async getMyOrg(@TargetOrg() orgId: string): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(orgId)) };
  }

  @RpcMethod('ManagementService', 'RemoveOrg')
  @OrgPermission('org.delete')
  async removeOrg(@TargetOrg() orgId: string, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.orgs.removeOrg(orgId, caller.userId));
  }

  @RpcMethod('AdminService', 'ListOrgs')
  @Permission('iam.read')
  async listOrgs(@Payload() request: ListOrgsRequest): Promise<ListOrgsResponse> {
    return toListOrgsResponse(await this.orgs.listOrgs(pageOf(request.query, true)));
  }

  @RpcMethod('AdminService', 'GetOrgByID')
  @Permission('iam.read')
  async getOrgById(@Payload() request: GetOrgByIDRequest): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(request.id)) };
  }
}

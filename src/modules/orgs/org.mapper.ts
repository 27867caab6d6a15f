import { timestamp, uint64 } from '../../common/proto/wire-format.js';
import { toObjectDetails } from '../login-policy/login-policy.mapper.js';
import { ListOrgsResponse, Org as OrgMessage } from './dto/org.dto.js';
import { Org } from './org.model.js';

export function toOrgMessage(org: Org): OrgMessage {
  return {
    id: org.id,
    details: toObjectDetails({ sequence: org.sequence, creationDate: org.creationDate, changeDate: org.changeDate, resourceOwner: org.id }),
    state: org.state === 'active' ? 'ORG_STATE_ACTIVE' : 'ORG_STATE_REMOVED',
    name: org.name,
  };
}

export function toListOrgsResponse(list: { orgs: Org[]; total: number; lastPosition: number; viewedAt: Date }): ListOrgsResponse {
  return {
    details: { totalResult: uint64(list.total), processedSequence: uint64(list.lastPosition), viewTimestamp: timestamp(list.viewedAt) },
    result: list.orgs.map(toOrgMessage),
  };
}

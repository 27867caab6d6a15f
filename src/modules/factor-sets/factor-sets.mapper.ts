import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { toObjectDetails } from '../login-policy/login-policy.mapper.js';
import { FactorLists } from '../login-policy/login-policy.model.js';
import { FactorSetChange } from '../login-policy/login-policy.service.js';
import { FactorListsMessage, SetLoginPolicyFactorsRequest, SetLoginPolicyFactorsResponse } from './dto/set-factors.dto.js';

/** The lists a validated request wants (absent lists are empty). */
export function wantedFactors(request: SetLoginPolicyFactorsRequest): FactorLists {
  return { second: request.secondFactors ?? [], multi: request.multiFactors ?? [] };
}

export function toSetFactorsResponse(change: FactorSetChange): SetLoginPolicyFactorsResponse {
  return { details: toObjectDetails(change.details), added: toFactorListsMessage(change.added), removed: toFactorListsMessage(change.removed) };
}

function toFactorListsMessage(lists: FactorLists): FactorListsMessage {
  return { secondFactors: lists.second.map((type) => SecondFactorType.nameOf(type)), multiFactors: lists.multi.map((type) => MultiFactorType.nameOf(type)) };
}

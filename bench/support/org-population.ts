import { ApiClient, inParallel } from './api-client.js';

/** Requests in flight while creating orgs: enough to keep the service busy, not a load test. */
export const SETUP_CONCURRENCY = 16;

export interface OrgPopulation {
  /** Every org, alternating: even indexes have a custom policy, odd ones follow the default. */
  all: string[];
  custom: string[];
  inheriting: string[];
  setupSeconds: number;
}

interface LoginPolicyResponse {
  policy: Record<string, unknown> & { secondFactors: string[] };
}

/**
 * Creates `count` orgs through the API; every other one gets a custom policy by
 * AddCustomLoginPolicy with the default's settings and factors. The default has no
 * SECOND_FACTOR_TYPE_OTP_SMS, so neither do the copies: the write cycle starts by adding it.
 */
export async function createOrgPopulation(api: ApiClient, count: number): Promise<OrgPopulation> {
  const started = performance.now();
  const { policy } = await api.call<LoginPolicyResponse>('GET', '/admin/v1/policies/login');
  if (policy.secondFactors.includes('SECOND_FACTOR_TYPE_OTP_SMS')) {
    throw new Error('the instance default already allows OTP_SMS: the write cycle needs policies without it');
  }
  // AddCustomLoginPolicy reads the settings and factor lists and ignores the rest (details, isDefault)
  const { details: _details, isDefault: _isDefault, ...customPolicy } = policy;
  const all = await inParallel(
    Array.from({ length: count }, (_, index) => index),
    SETUP_CONCURRENCY,
    async (index) => {
      const { id } = await api.call<{ id: string }>('POST', '/management/v1/orgs', { body: { name: `bench org ${index}` } });
      if (index % 2 === 0) await api.call('POST', '/management/v1/policies/login', { org: id, body: customPolicy });
      return id;
    },
  );
  return {
    all,
    custom: all.filter((_, index) => index % 2 === 0),
    inheriting: all.filter((_, index) => index % 2 === 1),
    setupSeconds: (performance.now() - started) / 1000,
  };
}

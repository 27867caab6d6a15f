import assert from 'node:assert/strict';
import { TestApp } from './test-app.js';

/** Creates an org through the API and returns its id. */
export async function createOrg(app: TestApp, token: string, name = 'ACME'): Promise<string> {
  const response = await app.request('POST', '/management/v1/orgs', { token, body: { name } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.id;
}

export const orgHeader = (orgId: string) => ({ 'x-zitadel-orgid': orgId });

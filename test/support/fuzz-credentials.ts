import { createHmac } from 'node:crypto';
import { AppConfig } from '../../src/common/config/app-config.js';
import { developmentToken } from './tokens.js';

/**
 * `Authorization` values for the request fuzz test, by name: valid tokens of several roles, and
 * forged ones. Requests name them (`owner`, `alg-none`, …) so that a seed generates the same
 * requests against any app, whose keys differ.
 */
export interface Credentials {
  values: Record<string, string>;
  /** Names of values that must never be let in (a 2xx with only such a value is a hole). */
  forged: ReadonlySet<string>;
}

/** Valid tokens: names the generator picks from. */
export const VALID_CREDENTIALS = ['owner', 'viewer', 'org-manager', 'login-client', 'org-owner', 'settings-manager', 'no-roles', 'unknown-iam-role'] as const;
/** Tokens the service must refuse. */
export const FORGED_CREDENTIALS = ['tampered-signature', 'tampered-claims', 'alg-none', 'hs256', 'expired', 'wrong-issuer', 'garbage', 'empty-bearer', 'basic', 'huge'] as const;
/**
 * Spellings the service may or may not accept today: a valid token with `=` padding, in a
 * lower-case scheme, with spaces. Sent, but not counted as forged (their judgement is not part of
 * what this test asserts).
 */
export const ODD_CREDENTIALS = ['padded-signature', 'lowercase-scheme', 'extra-spaces'] as const;
export const CREDENTIAL_NAMES = [...VALID_CREDENTIALS, ...FORGED_CREDENTIALS, ...ODD_CREDENTIALS];

const base64url = (text: string | Buffer) => Buffer.from(text).toString('base64url');

export async function fuzzCredentials(config: AppConfig, orgIds: string[]): Promise<Credentials> {
  const mint = (roles: string[], options: { org?: string; expiresIn?: string; issuer?: string } = {}) => developmentToken(config, { roles, sub: 'fuzz-user', ...options });
  const owner = await mint(['IAM_OWNER']);
  const viewer = await mint(['IAM_OWNER_VIEWER']);
  const [header, payload, signature] = owner.split('.');
  const claimsOfViewer = viewer.split('.')[1];
  const ownerClaims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const unsigned = (alg: string) => `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}`;
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  const tokens: Record<string, string> = {
    owner,
    viewer,
    'org-manager': await mint(['IAM_ORG_MANAGER']),
    'login-client': await mint(['IAM_LOGIN_CLIENT']),
    'org-owner': await mint([`ORG_OWNER:${orgIds.slice(0, 2).join(',')}`], { org: orgIds[0] }),
    'settings-manager': await mint([`ORG_SETTINGS_MANAGER:${orgIds[1]}`], { org: orgIds[1] }),
    'no-roles': await mint([]),
    'unknown-iam-role': await mint(['IAM_SUPERUSER']),
    'tampered-signature': `${header}.${payload}.${flipped}`,
    // a viewer's signature over an owner's claims
    'tampered-claims': `${header}.${payload}.${viewer.split('.')[2]}`,
    'alg-none': `${unsigned('none')}.`,
    hs256: `${unsigned('HS256')}.${createHmac('sha256', JSON.stringify(ownerClaims)).update(unsigned('HS256')).digest('base64url')}`,
    expired: await mint(['IAM_OWNER'], { expiresIn: '-5m' }),
    'wrong-issuer': await mint(['IAM_OWNER'], { issuer: 'https://issuer.evil.example' }),
    garbage: `${claimsOfViewer}.${claimsOfViewer}`,
  };
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(tokens).map(([name, token]) => [name, `Bearer ${token}`])),
    'empty-bearer': 'Bearer ',
    basic: `Basic ${base64url('admin:admin')}`,
    // over the 16 KiB of request line and headers: refused before any token check
    huge: `Bearer ${owner}${'A'.repeat(20_000)}`,
    'padded-signature': `Bearer ${owner}==`,
    'lowercase-scheme': `bearer ${owner}`,
    'extra-spaces': `Bearer   ${owner}`,
  };
  return { values, forged: new Set(FORGED_CREDENTIALS) };
}

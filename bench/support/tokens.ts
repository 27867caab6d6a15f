import { join } from 'node:path';
import { DevelopmentKey, loadOrCreateDevelopmentKey } from '../../src/common/auth/development-key.js';
import { signDevelopmentToken } from '../../src/common/auth/development-token.js';
import { DEVELOPMENT_ISSUER, DEVELOPMENT_KEY_FILE_NAME } from '../../src/common/config/load-config.js';

/** Mints tokens the service trusts: signed with the development key it created in its DATA_DIR. */
export class TokenMinter {
  private constructor(private readonly key: DevelopmentKey) {}

  /**
   * The service creates its key on the first token it verifies, so it may not exist yet; like
   * `npm run token`, this creates it then (written exclusively: the service reads the same key).
   */
  static async forDataDir(dataDir: string): Promise<TokenMinter> {
    return new TokenMinter(await loadOrCreateDevelopmentKey(join(dataDir, DEVELOPMENT_KEY_FILE_NAME)));
  }

  iamOwner(): Promise<string> {
    return this.sign(['IAM_OWNER']);
  }

  orgOwner(orgId: string): Promise<string> {
    return this.sign([`ORG_OWNER:${orgId}`], orgId);
  }

  private sign(roles: string[], org?: string): Promise<string> {
    // long enough for the slowest table, setup included
    return signDevelopmentToken(this.key, { subject: 'bench', roles, org, issuer: DEVELOPMENT_ISSUER, expiresIn: '4h' });
  }
}

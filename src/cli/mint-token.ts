import { parseArgs } from 'node:util';
import { loadOrCreateDevelopmentKey } from '../common/auth/development-key.js';
import { signDevelopmentToken } from '../common/auth/development-token.js';
import { ConfigError } from '../common/config/config-error.js';
import { loadConfig } from '../common/config/load-config.js';
import { errorText } from '../common/errors/error-text.js';

const USAGE = `Prints a token signed with the development key in DATA_DIR (development mode only).

  npm run -s token -- [--role ROLE]... [--org ORG_ID] [--sub USER_ID] [--expires-in 12h]

  --role IAM_OWNER            an instance-wide role (IAM_OWNER, IAM_OWNER_VIEWER, IAM_ORG_MANAGER, IAM_LOGIN_CLIENT)
  --role ORG_OWNER:<orgId>    an org role in the listed org(s) (comma-separated); without ':', in --org
  --org <orgId>               the caller's own org (used when no x-zitadel-orgid header is sent)
  --sub <userId>              the user id (default: development-user)
  --expires-in <span>         lifetime, like 1h, 30m or 7d (default: 12h)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true, default: [] },
      org: { type: 'string' },
      sub: { type: 'string', default: 'development-user' },
      'expires-in': { type: 'string', default: '12h' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  if (config.auth.mode !== 'development') {
    throw new ConfigError('AUTH_ISSUER is set, so the service trusts only that issuer: get tokens from it');
  }
  const key = await loadOrCreateDevelopmentKey(config.auth.keyFile);
  const token = await signDevelopmentToken(key, {
    subject: values.sub,
    roles: values.role,
    org: values.org,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    expiresIn: values['expires-in'],
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n\n${USAGE}`);
  process.exit(1);
});

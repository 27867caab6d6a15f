import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { ApiErrors, errorCase } from '../errors/api-error-responses.decorator.js';
import { orgNotFound } from '../errors/org-not-found.js';
import { ORG_HEADER, authHeaderMissing, noOrganisationGiven, permissionDenied } from './access-refusals.js';
import { Permission } from './permission.js';
import { invalidToken } from './token-verifier.service.js';

export { ORG_HEADER } from './access-refusals.js';
export const PERMISSION_KEY = 'access:permission';
export const PUBLIC_KEY = 'access:public';

/**
 * Where a permission must be held: on the instance, in the org the request targets (header or
 * token), or where the request's own `ctx` points (v2 calls: the instance or an org).
 */
export type PermissionScope = 'instance' | 'org' | 'context';

export interface RequiredPermission {
  permission: Permission;
  scope: PermissionScope;
  /** Scope `context` only: what the caller needs on the instance when the request names it (`ctx.instance`). */
  instancePermission?: Permission;
}

/** Where the documented 403 says the permission is missing. */
const WHERE: Record<PermissionScope, (required: RequiredPermission) => string> = {
  instance: () => '',
  org: () => ' in the org',
  context: (required) => ` in the org (\`${required.instancePermission}\` on the instance with \`ctx.instance\`)`,
};

function access(required: RequiredPermission, ...docs: (ClassDecorator & MethodDecorator)[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, required),
    ApiBearerAuth(),
    ApiErrors(
      errorCase('No `Authorization` header', authHeaderMissing()),
      errorCase('The token is not valid: bad signature, expired, wrong issuer or audience', invalidToken()),
      errorCase(`The caller's roles do not grant \`${required.permission}\`${WHERE[required.scope](required)}`, permissionDenied()),
    ),
    ...docs,
  );
}

/**
 * Requires `permission` on the instance for the route (or every route of a class). Documents
 * bearer auth and the 401/403 answers at the same time, so docs and enforcement cannot drift.
 */
export function Permission(permission: Permission): ClassDecorator & MethodDecorator {
  return access({ permission, scope: 'instance' });
}

/**
 * Requires `permission` in the target org: the `x-zitadel-orgid` header, else the caller's own
 * org. No org → 400; no permission there → 403; then an unknown or removed org → 404.
 */
export function OrgPermission(permission: Permission): ClassDecorator & MethodDecorator {
  return access(
    { permission, scope: 'org' },
    ApiHeader({ name: ORG_HEADER, required: false, description: "The org to act on; defaults to the caller's own org." }),
    ApiErrors(
      errorCase(`Neither \`${ORG_HEADER}\` nor the token names an org`, noOrganisationGiven()),
      errorCase('The org does not exist or was removed', orgNotFound()),
    ),
  );
}

/**
 * Requires a permission where the request's `ctx` (zitadel.object.v2.RequestContext) points:
 * `instancePermission` on the instance for `ctx.instance`; else `permission` in the org of
 * `ctx.orgId`, or without one in the org of `x-zitadel-orgid`, else the caller's own org (as
 * OrgPermission). No org → 400; no permission there → 403; then an unknown or removed org → 404.
 */
export function ContextPermission(permission: Permission, instancePermission: Permission): ClassDecorator & MethodDecorator {
  return access(
    { permission, scope: 'context', instancePermission },
    ApiHeader({ name: ORG_HEADER, required: false, description: "The org to read when the request's `ctx` names none; defaults to the caller's own org." }),
    ApiErrors(
      errorCase(`Neither \`ctx\`, \`${ORG_HEADER}\` nor the token names an org`, noOrganisationGiven()),
      errorCase('The org does not exist or was removed', orgNotFound()),
    ),
  );
}

/** Marks an operational route that needs no token (health, metrics). */
export function Public(): ClassDecorator & MethodDecorator {
  return SetMetadata(PUBLIC_KEY, true);
}

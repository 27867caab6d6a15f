import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto.js';
import { Permission } from './permission.js';

export const PERMISSION_KEY = 'access:permission';
export const PUBLIC_KEY = 'access:public';
export const ORG_HEADER = 'x-zitadel-orgid';

/** Where a permission must be held: on the instance, or in the org the request targets. */
export type PermissionScope = 'instance' | 'org';

export interface RequiredPermission {
  permission: Permission;
  scope: PermissionScope;
}

function access(required: RequiredPermission, ...docs: (ClassDecorator & MethodDecorator)[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, required),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No bearer token, or a token that is not valid.', type: ErrorBodyDto }),
    ApiForbiddenResponse({ description: `The caller's roles do not grant \`${required.permission}\`.`, type: ErrorBodyDto }),
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
    ApiNotFoundResponse({ description: 'The org does not exist or was removed (`Org-n0tFd`).', type: ErrorBodyDto }),
  );
}

/** Marks an operational route that needs no token (health, metrics). */
export function Public(): ClassDecorator & MethodDecorator {
  return SetMetadata(PUBLIC_KEY, true);
}

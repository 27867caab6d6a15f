import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto.js';
import { Permission } from './permission.js';

export const PERMISSION_KEY = 'access:permission';
export const PUBLIC_KEY = 'access:public';

/** Where a permission must be held: on the instance (Admin API) or in the target org (Management API). */
export type PermissionScope = 'instance' | 'org';

export interface RequiredPermission {
  permission: Permission;
  scope: PermissionScope;
}

/**
 * Requires `permission` for the route (or every route of a class). Documents bearer auth and the
 * 401/403 answers in the OpenAPI document at the same time, so docs and enforcement cannot drift.
 */
export function Permission(permission: Permission, scope: PermissionScope = 'instance'): ClassDecorator & MethodDecorator {
  const required: RequiredPermission = { permission, scope };
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, required),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No bearer token, or a token that is not valid.', type: ErrorBodyDto }),
    ApiForbiddenResponse({ description: `The caller's roles do not grant \`${permission}\`.`, type: ErrorBodyDto }),
  );
}

/** Marks an operational route that needs no token (health, metrics). */
export function Public(): ClassDecorator & MethodDecorator {
  return SetMetadata(PUBLIC_KEY, true);
}

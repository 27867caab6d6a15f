import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto.js';
import { Permission } from './permission.js';

export const PERMISSION_KEY = 'access:permission';
export const PUBLIC_KEY = 'access:public';

/** What a route requires; held on the instance (org-scoped checks arrive with the Management API). */
export interface RequiredPermission {
  permission: Permission;
}

/**
 * Requires `permission` for the route (or every route of a class). Documents bearer auth and the
 * 401/403 answers in the OpenAPI document at the same time, so docs and enforcement cannot drift.
 */
export function Permission(permission: Permission): ClassDecorator & MethodDecorator {
  const required: RequiredPermission = { permission };
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

import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto.js';

/** Documents the error answers an operation can give besides 401/403 (which `@Permission` documents). */
export function ApiErrors(errors: { badRequest?: string; notFound?: string; conflict?: string }): MethodDecorator {
  const decorators: MethodDecorator[] = [];
  if (errors.badRequest) decorators.push(ApiBadRequestResponse({ description: errors.badRequest, type: ErrorBodyDto }));
  if (errors.notFound) decorators.push(ApiNotFoundResponse({ description: errors.notFound, type: ErrorBodyDto }));
  if (errors.conflict) decorators.push(ApiConflictResponse({ description: errors.conflict, type: ErrorBodyDto }));
  return applyDecorators(...decorators);
}

import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { DomainError } from './domain-error.js';
import { ErrorBodyDto } from './error-body.dto.js';
import { statusOf } from './error-status.js';

/** One error answer an operation can give: when it happens, and the error the service throws then. */
export interface ErrorCase {
  when: string;
  error: DomainError;
}

export const errorCase = (when: string, error: DomainError): ErrorCase => ({ when, error });

/**
 * Documents error answers with the exact body the service sends for each (built by `statusOf`,
 * as the error filter builds it), under the status that error has. Several `ApiErrors` on one
 * operation add up: Swagger merges the named examples of one status, so the access decorators'
 * 400/401/403/404 stand beside an operation's own errors. An example is named by its error id,
 * else by its kind and the field it is about.
 */
export function ApiErrors(...cases: ErrorCase[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCase[]>();
  for (const errorCase of cases) {
    const status = statusOf(errorCase.error).httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), errorCase]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, statusCases]) =>
      ApiResponse({
        status,
        type: ErrorBodyDto,
        description: statusCases.map(({ when, error }) => (error.id ? `${when} (\`${error.id}\`).` : `${when}.`)).join('\n\n'),
        // the example menu shows summaries as plain text: no Markdown there
        examples: Object.fromEntries(statusCases.map(({ when, error }) => [exampleName(error), { summary: when.replaceAll('`', ''), value: statusOf(error).body }])),
      }),
    ),
  );
}

function exampleName(error: DomainError): string {
  if (error.id) return error.id;
  const field = error.details.flatMap((detail) => ('fieldViolations' in detail ? detail.fieldViolations : []))[0]?.field;
  return field ? `${error.kind} ${field}` : error.kind;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsProtoBool, IsProtoUint } from '../validation/settings.validators.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** `zitadel.v1.ListQuery` */
export class ListQuery {
  /** How many results to skip (uint64: a decimal string; a number is accepted too). */
  @ApiPropertyOptional({ type: 'string', format: 'uint64', example: '0' })
  @IsProtoUint()
  offset?: string | number;

  /** How many results at most: 1 to 1000; 0 or absent means 100 (uint32; a numeric string is accepted too). */
  @ApiPropertyOptional({ type: 'integer', format: 'uint32', example: 100 })
  @IsProtoUint(MAX_LIST_LIMIT)
  limit?: string | number;

  /** Oldest first when true (the default for orgs). */
  @IsProtoBool()
  asc?: boolean;
}

/** The page a validated ListQuery asks for. */
export function pageOf(query: ListQuery | undefined, ascByDefault: boolean): { offset: number; limit: number; asc: boolean } {
  const limit = Number(query?.limit ?? 0);
  return {
    offset: Number(query?.offset ?? 0),
    limit: limit === 0 ? DEFAULT_LIST_LIMIT : limit,
    asc: query?.asc ?? ascByDefault,
  };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { ListDetails, ObjectDetails } from '../../../common/proto/object.dto.js';
import { ListQuery } from '../../../common/proto/list-query.dto.js';
import { HasNoControlCharacters, IsTrimmedLength, IsWellFormedText } from '../../../common/validation/settings.validators.js';

export const ORG_STATES = ['ORG_STATE_UNSPECIFIED', 'ORG_STATE_ACTIVE', 'ORG_STATE_INACTIVE', 'ORG_STATE_REMOVED'];

/** `zitadel.org.v1.Org` */
export class Org {
  @ApiProperty({ example: '69629023906488334' })
  id: string;

  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;

  @ApiProperty({ enum: ORG_STATES, enumName: 'OrgState', example: 'ORG_STATE_ACTIVE' })
  state: string;

  @ApiProperty({ example: 'ACME' })
  name: string;
}

/** Creates an org. */
export class AddOrgRequest {
  /** 1 to 200 characters (surrounding spaces are not counted), no control characters (U+0000-U+001F, U+007F-U+009F), well-formed Unicode. */
  @ApiProperty({ example: 'ACME', minLength: 1, maxLength: 200 })
  @IsTrimmedLength(1, 200)
  @HasNoControlCharacters()
  @IsWellFormedText()
  name: string;
}

export class AddOrgResponse {
  /** The new org's id. */
  @ApiProperty({ example: '69629023906488334' })
  id: string;

  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;
}

export class GetOrgResponse {
  @ApiProperty({ type: Org })
  org: Org;
}

/** Admin GetOrgByID (gRPC; REST carries the id in the path). */
export class GetOrgByIDRequest {
  @IsTrimmedLength(1, 32)
  id: string;
}

export class ListOrgsRequest {
  /** Paging: offset, limit (default 100, at most 1000) and order by creation. */
  @ApiPropertyOptional({ type: ListQuery })
  @IsOptional()
  @ValidateNested()
  @Type(() => ListQuery)
  query?: ListQuery;
}

export class ListOrgsResponse {
  /** `processedSequence` is the position of the newest event of the instance when the list was read. */
  @ApiProperty({ type: ListDetails })
  details: ListDetails;

  /** Active orgs, oldest first unless `asc` is false. */
  @ApiProperty({ type: Org, isArray: true })
  result: Org[];
}

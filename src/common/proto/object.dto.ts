import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `zitadel.v1.ObjectDetails`: the state of a resource after a change. */
export class ObjectDetails {
  /** Sequence of the event that made the change, per aggregate (uint64 as a string). */
  @ApiProperty({ example: '12' })
  sequence: string;

  /** When the resource was created (set by add operations). */
  @ApiPropertyOptional({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  creationDate?: string;

  /** When the resource last changed. */
  @ApiPropertyOptional({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  changeDate?: string;

  /** The org id (Management API) or the instance id (Admin API). */
  @ApiProperty({ example: '69629023906488334' })
  resourceOwner: string;
}

/** `zitadel.v1.ListDetails` */
export class ListDetails {
  /** Number of results (uint64 as a string). */
  @ApiProperty({ example: '2' })
  totalResult: string;

  /** Sequence of the last event applied to what was read. */
  @ApiProperty({ example: '4' })
  processedSequence: string;

  /** Time of that event. */
  @ApiPropertyOptional({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  viewTimestamp?: string;
}

/** The answer of every change: `{details}`. */
export class DetailsResponse {
  @ApiProperty({ type: ObjectDetails })
  details: ObjectDetails;
}

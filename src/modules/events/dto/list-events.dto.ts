import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { IsProtoBool, IsProtoUint } from '../../../common/validation/settings.validators.js';

export const AGGREGATE_TYPES = ['instance', 'org'];

/** Filters of ListEvents; all optional. */
export class ListEventsRequest {
  /** Only events of these aggregate types. */
  @ApiPropertyOptional({ enum: AGGREGATE_TYPES, isArray: true, example: ['org'] })
  @IsOptional()
  @IsArray({ message: 'value must be a list' })
  @IsIn(AGGREGATE_TYPES, { each: true, message: 'value must be one of instance, org' })
  aggregateTypes?: string[];

  /** Only events of this aggregate (an org id, or the instance id). */
  @ApiPropertyOptional({ example: '69629023906488334' })
  @IsOptional()
  @IsString({ message: 'value must be a string' })
  aggregateId?: string;

  /** Only events of these types, e.g. `org.policy.login.secondfactor.added`. */
  @ApiPropertyOptional({ type: [String], example: ['org.policy.login.secondfactor.added'] })
  @IsOptional()
  @IsArray({ message: 'value must be a list' })
  @IsString({ each: true, message: 'value must be a list of strings' })
  eventTypes?: string[];

  /** Per-aggregate sequence bound: strictly after it with `asc: true`, strictly before it otherwise (uint64: a decimal string; a number is accepted too). */
  @ApiPropertyOptional({ type: 'string', format: 'uint64', example: '4' })
  @IsProtoUint()
  sequence?: string | number;

  /** Global position bound (for paging across aggregates): strictly after with `asc: true`, before otherwise (uint64: a decimal string; a number is accepted too). */
  @ApiPropertyOptional({ type: 'string', format: 'uint64', example: '120' })
  @IsProtoUint()
  position?: string | number;

  /** At most this many events: 1 to 1000; 0 or absent means 100 (uint32; a numeric string is accepted too). */
  @ApiPropertyOptional({ type: 'integer', format: 'uint32', example: 100 })
  @IsProtoUint(1000)
  limit?: string | number;

  /** Oldest first when true; newest first by default. */
  @IsProtoBool()
  asc?: boolean;
}

/** An event in the body shape of the message bus. */
export class EventMessage {
  /** Unique id of the event (its global position). */
  @ApiProperty({ example: '120' })
  id: string;
  @ApiProperty({ example: '69629023906488334' })
  instanceId: string;
  @ApiProperty({ enum: AGGREGATE_TYPES, example: 'org' })
  aggregateType: string;
  @ApiProperty({ example: '69629023906488399' })
  aggregateId: string;
  /** Gap-free per aggregate. */
  @ApiProperty({ example: '7' })
  sequence: string;
  /** Global order of all events. */
  @ApiProperty({ example: '120' })
  position: string;
  @ApiProperty({ example: 'org.policy.login.secondfactor.added' })
  type: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { mfaType: 1 } })
  payload: Record<string, unknown>;
  /** The user (token subject) who made the change, or SYSTEM. */
  @ApiProperty({ example: '259254340931895299' })
  creator: string;
  @ApiProperty({ example: '2024-06-13T06:44:37.642Z', format: 'date-time' })
  createdAt: string;
}

export class ListEventsResponse {
  @ApiProperty({ type: EventMessage, isArray: true })
  events: EventMessage[];
}

import { Counter } from './numbered-writes.js';

/**
 * The counter that events take their positions from. Every command that changes anything appends
 * events, and takes their positions from this counter in the transaction that makes its changes,
 * so the counter moves with every commit that changes what the read path reads.
 */
export const POSITION_COUNTER: Counter = { table: 'event_positions', column: 'last_position', where: 'id = 1' };

const { table, column, where } = POSITION_COUNTER;

/** The newest position given (column `last_position`). */
export const LAST_POSITION_SQL = `SELECT ${column} AS last_position FROM ${table} WHERE ${where}`;

/**
 * The generation of the committed state (MySQL): the counter's value, and whether events without a
 * position exist. A process of the previous version commits its events without one and the
 * sequencer positions them afterwards, so while any is unpositioned the counter does not yet show
 * every change, and no generation can be trusted.
 */
export const GENERATION_SQL = `SELECT ${column} AS generation, EXISTS (SELECT 1 FROM events WHERE position IS NULL) AS unpositioned FROM ${table} WHERE ${where}`;

/** The counter's value as a column of a read, so the rows and the generation they were read at come from one snapshot. */
export const READ_AT_COLUMN = `(SELECT ${column} FROM ${table} WHERE ${where}) AS read_at`;

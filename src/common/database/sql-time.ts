/**
 * Times are stored as UTC `YYYY-MM-DD HH:MM:SS.mmm` text (DATETIME(3) on MySQL, read back as text;
 * the same text on SQLite, as TypeORM has always written it there).
 */
export function toSqlTime(date: Date): string {
  const year = date.getUTCFullYear();
  // a write formats three or four times: from the fields it takes a third of the time `toISOString` and two string edits take
  if (year < 1000 || year > 9999) return date.toISOString().slice(0, -1).replace('T', ' ');
  return `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${three(date.getUTCMilliseconds())}`;
}

export function fromSqlTime(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Times are stored as UTC `YYYY-MM-DD HH:MM:SS.mmm` text (DATETIME(3) on MySQL, read back as text;
 * the same text on SQLite, as TypeORM has always written it there).
 */
export function toSqlTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

export function fromSqlTime(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

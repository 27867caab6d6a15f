// The part of better-sqlite3's API the bench uses. The project has no @types/better-sqlite3 (the
// service reaches the driver only through TypeORM), and the bench must not change dependencies.
declare module 'better-sqlite3' {
  interface Statement {
    run(...parameters: unknown[]): { changes: number; lastInsertRowid: number | bigint };
    get(...parameters: unknown[]): unknown;
    all(...parameters: unknown[]): unknown[];
    /** Makes get/all return the first column only. */
    pluck(toggle?: boolean): this;
  }

  interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    timeout?: number;
  }

  class Database {
    constructor(filename: string, options?: Options);
    prepare(sql: string): Statement;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    close(): this;
  }

  export = Database;
}

import { Injectable } from '@nestjs/common';
import { SqlRow } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { fromSqlTime, toSqlTime } from '../../common/database/sql-time.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { STREAM_SEQUENCE_SQL, streamParams } from '../events/event-store.service.js';
import { AppendedEvent } from '../events/stored-event.js';
import { Org, OrgState } from './org.model.js';

const ORG_COLUMNS = 'o.id, o.name, o.state, o.sequence, o.creation_date, o.change_date';

/** The org registry projection (`orgs`, one row per org, kept with state `removed` after RemoveOrg). */
@Injectable()
export class OrgRepository {
  constructor(private readonly db: SqlDatabase) {}

  async find(instanceId: string, id: string): Promise<Org | undefined> {
    const [row] = await this.db.read(`SELECT ${ORG_COLUMNS} FROM orgs o WHERE o.instance_id = ? AND o.id = ?`, [instanceId, id]);
    return row ? toOrg(row) : undefined;
  }

  /** Inside a command: the org and the sequence of its aggregate's stream. */
  async commandState(tx: SqlTransaction, instanceId: string, id: string): Promise<{ org?: Org; streamSequence: number }> {
    const [row] = await tx.read(`SELECT ${ORG_COLUMNS}, ${STREAM_SEQUENCE_SQL} AS stream_sequence FROM orgs o WHERE o.instance_id = ? AND o.id = ?`, [
      ...streamParams({ instanceId, type: 'org', id }),
      instanceId,
      id,
    ]);
    return { org: row ? toOrg(row) : undefined, streamSequence: Number(row?.stream_sequence ?? 0) };
  }

  /** Active orgs, ordered by creation (then id), one page, and how many there are in all. */
  async listActive(instanceId: string, page: { offset: number; limit: number; asc: boolean }): Promise<{ orgs: Org[]; total: number }> {
    const direction = page.asc ? 'ASC' : 'DESC';
    // offset and limit are validated integers, written into the text: prepared LIMIT parameters differ per server
    const rows = await this.db.read(
      `SELECT ${ORG_COLUMNS} FROM orgs o WHERE o.instance_id = ? AND o.state = 'active' ORDER BY o.creation_date ${direction}, o.id ${direction} ` +
        `LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
      [instanceId],
    );
    const [count] = await this.db.read<{ total: number | string }>("SELECT COUNT(*) AS total FROM orgs WHERE instance_id = ? AND state = 'active'", [instanceId]);
    return { orgs: rows.map(toOrg), total: Number(count?.total ?? 0) };
  }

  insert(tx: SqlTransaction, instanceId: string, id: string, name: string, event: AppendedEvent): void {
    const at = toSqlTime(event.createdAt);
    tx.write("INSERT INTO orgs (instance_id, id, name, state, sequence, creation_date, change_date) VALUES (?, ?, ?, 'active', ?, ?, ?)", [
      instanceId,
      id,
      name,
      event.sequence,
      at,
      at,
    ]);
  }

  setState(tx: SqlTransaction, instanceId: string, id: string, state: OrgState, event: AppendedEvent): void {
    tx.write('UPDATE orgs SET state = ?, sequence = ?, change_date = ? WHERE instance_id = ? AND id = ?', [state, event.sequence, toSqlTime(event.createdAt), instanceId, id]);
  }
}

function toOrg(row: SqlRow): Org {
  return {
    id: String(row.id),
    name: String(row.name),
    state: row.state as OrgState,
    sequence: Number(row.sequence),
    creationDate: fromSqlTime(row.creation_date),
    changeDate: fromSqlTime(row.change_date),
  };
}

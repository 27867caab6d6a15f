import { fromSqlTime } from '../../common/database/sql-time.js';
import { LoginPolicySettings, SETTINGS } from './login-policy-settings.js';
import { FactorLists, LoginPolicyState } from './login-policy.model.js';

/**
 * The read path's rows as one text column, `a|b|c`: on MySQL every column of a result costs its
 * metadata on every execution (server and driver alike), so one column reads measurably faster
 * than thirty. No value contains `|` but a URI, which therefore comes last (and may contain it).
 */
const SEPARATOR = '|';

const HEADER = ['owner_id', 'owner_type', 'sequence', 'creation_date', 'change_date', 'second_factors', 'multi_factors'] as const;
const ORDERED_SETTINGS = [...SETTINGS.filter((s) => s.kind !== 'uri'), ...SETTINGS.filter((s) => s.kind === 'uri')];
if (ORDERED_SETTINGS.filter((s) => s.kind === 'uri').length > 1) throw new Error('only one URI setting can be packed last');

/** The whole policy of table alias `p` as one text value (SQL; both engines have CONCAT_WS; no column is NULL). */
export function packedPolicy(alias: string): string {
  return `CONCAT_WS('${SEPARATOR}', ${[...HEADER, ...ORDERED_SETTINGS.map((s) => s.column)].map((column) => `${alias}.${column}`).join(', ')})`;
}

/** Only what a factor list needs, of table alias `p`. */
export function packedFactors(alias: string): string {
  return `CONCAT_WS('${SEPARATOR}', ${HEADER.map((column) => `${alias}.${column}`).join(', ')})`;
}

/** `packedPolicy` (or `packedFactors`) of the row `own` when it exists, else of the row `fallback`. */
export function packedEither(pack: (alias: string) => string, own: string, fallback: string): string {
  return `CASE WHEN ${own}.owner_id IS NULL THEN ${pack(fallback)} ELSE ${pack(own)} END`;
}

/** The factor lists and state of a packed row (`packedFactors` or `packedPolicy`). */
export function unpackFactors(packed: string): { isDefault: boolean; factors: FactorLists; sequence: number; changeDate: Date; fields: string[] } {
  const fields = packed.split(SEPARATOR);
  return {
    isDefault: fields[1] === 'instance',
    factors: { second: factorList(fields[5]), multi: factorList(fields[6]) },
    sequence: Number(fields[2]),
    changeDate: fromSqlTime(fields[4]),
    fields,
  };
}

export function unpackPolicy(packed: string): LoginPolicyState {
  const { isDefault, factors, sequence, changeDate, fields } = unpackFactors(packed);
  const settings: Record<string, unknown> = {};
  ORDERED_SETTINGS.forEach((setting, i) => {
    const at = HEADER.length + i;
    const text = setting.kind === 'uri' ? fields.slice(at).join(SEPARATOR) : fields[at];
    settings[setting.name] = setting.kind === 'boolean' ? text === '1' : setting.kind === 'uri' ? text : Number(text);
  });
  return { ownerId: fields[0], isDefault, settings: settings as LoginPolicySettings, factors, sequence, creationDate: fromSqlTime(fields[3]), changeDate };
}

function factorList(text: string | undefined): number[] {
  return text ? text.split(',').map(Number) : [];
}

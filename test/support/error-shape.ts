/**
 * The gRPC codes each HTTP status may carry (README "Errors"; SPEC §6): the one mapping a refusal
 * from any layer must follow. 500 (13) is absent on purpose: a test that uses this never accepts it.
 */
export const CODES_BY_STATUS: Readonly<Record<number, readonly number[]>> = {
  400: [3, 9],
  401: [16],
  403: [7],
  404: [5],
  405: [12],
  408: [4],
  409: [6],
  413: [8],
  414: [8],
  415: [3],
  429: [8],
  431: [8],
  503: [14],
  504: [4],
};

/**
 * Why a non-2xx answer is not in the one error shape `{code, message, details}` with a code that
 * matches its status, or undefined when it is.
 */
export function errorShapeViolation(status: number, contentType: string | null, body: unknown): string | undefined {
  if (!/^application\/json\b/.test(contentType ?? '')) return `content-type ${JSON.stringify(contentType)} is not JSON`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not a JSON object';
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'code,details,message') return `the body has the keys [${keys}], not exactly code, details, message`;
  const { code, message, details } = body as { code: unknown; message: unknown; details: unknown };
  if (!Number.isInteger(code)) return `code ${JSON.stringify(code)} is not an integer`;
  if (typeof message !== 'string' || message.length === 0) return 'message is not a non-empty string';
  if (!Array.isArray(details)) return 'details is not an array';
  const untyped = details.findIndex((detail) => typeof detail !== 'object' || detail === null || typeof detail['@type'] !== 'string');
  if (untyped >= 0) return `details[${untyped}] has no "@type"`;
  const allowed = CODES_BY_STATUS[status];
  if (!allowed) return `HTTP ${status} is not a status of the error mapping`;
  if (!allowed.includes(code as number)) return `HTTP ${status} carries code ${code}; the mapping allows ${allowed.join(' or ')}`;
  return undefined;
}

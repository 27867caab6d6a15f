/**
 * Whose settings a v2 request names in its `ctx` (`zitadel.object.v2.RequestContext`, a oneof of
 * `orgId` and `instance`): read from the request message of any door, before it is validated, so
 * that the access rule can decide on it (the REST query `ctx.orgId=…` / `ctx.instance=true`, the
 * gRPC or bus message). Read as ZITADEL reads it: `instance` when true, else `orgId` when not
 * empty, else neither (the org of `x-zitadel-orgid`, else the caller's own org). The request's
 * validation (GetLoginSettingsRequest) refuses what this leniently passes over.
 */
export interface RequestedOwner {
  instance: boolean;
  orgId: string | undefined;
}

const NEITHER: RequestedOwner = { instance: false, orgId: undefined };

export function requestedOwnerOf(message: unknown): RequestedOwner {
  const ctx = (message as { ctx?: unknown } | null | undefined)?.ctx;
  if (ctx === null || typeof ctx !== 'object') return NEITHER;
  const { instance, orgId } = ctx as { instance?: unknown; orgId?: unknown };
  if (instance === true || instance === 'true') return { instance: true, orgId: undefined };
  return typeof orgId === 'string' && orgId !== '' ? { instance: false, orgId } : NEITHER;
}

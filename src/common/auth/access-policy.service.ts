import { Injectable } from '@nestjs/common';
import { HeaderValue } from '../http/raw-header.js';
import { noOrganisationGiven, permissionDenied } from './access-refusals.js';
import { AuthContext } from './auth-context.js';
import { Authenticator } from './authenticator.service.js';
import { CallerRateLimit } from './caller-rate-limit.service.js';
import { RequestedOwner } from './request-context.js';
import { RequiredPermission } from './route-access.decorator.js';

/**
 * What a request brings to be let in: its `authorization` value (every value, when it came more
 * than once), `x-zitadel-orgid`, and where it came from (read only when the rate limit needs it).
 */
export interface Credentials {
  authorization: HeaderValue;
  orgHeader: string | undefined;
  /** The client's address (HTTP, gRPC), or the door's name where there is none (the bus). */
  address: () => string;
  /** Whose settings the request's `ctx` names (read only for scope `context`, see request-context.ts). */
  requestedOwner?: () => RequestedOwner;
}

/** Who was let in, and for an org-scoped operation, into which org; `onInstance` when a `context` operation targets the instance. */
export interface Admitted {
  caller: AuthContext;
  targetOrgId?: string;
  onInstance?: true;
}

/**
 * The access rule of every door, in the order of SPEC §5: authenticate (401), then the permission
 * on the instance or in the target org (403). Whether that org exists (404) is answered by the
 * core, in the same statement that reads (or the transaction that changes) the org's data.
 * Between the two, the rate limit (429): a verified caller's own, else its address's.
 */
@Injectable()
export class AccessPolicy {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly limit: CallerRateLimit,
  ) {}

  /** Synchronous when the token was verified before, so the hot path waits for nothing. */
  admit(required: RequiredPermission, credentials: Credentials): Admitted | Promise<Admitted> {
    const caller = this.authenticate(credentials);
    return caller instanceof AuthContext ? this.permit(required, credentials, caller) : caller.then((verified) => this.permit(required, credentials, verified));
  }

  /** The verified caller, its request counted; throws (or rejects with) the 401, or the 429 of a caller or address over its limit. */
  authenticate(credentials: Credentials): AuthContext | Promise<AuthContext> {
    let known: AuthContext | undefined;
    try {
      known = this.authenticator.remembered(credentials.authorization);
    } catch (error) {
      throw this.limit.failed(credentials.address(), error);
    }
    if (known !== undefined) {
      this.limit.charge(known);
      return known;
    }
    // no signature check for an address that used up its budget on calls without a valid token
    this.limit.checkAddress(credentials.address());
    return this.authenticator.verify(credentials.authorization as string).then(
      (verified) => {
        this.limit.charge(verified);
        return verified;
      },
      (error: unknown) => {
        throw this.limit.failed(credentials.address(), error);
      },
    );
  }

  private permit(required: RequiredPermission, credentials: Credentials, caller: AuthContext): Admitted {
    if (required.scope === 'instance') {
      if (!caller.canOnInstance(required.permission)) throw permissionDenied();
      return { caller };
    }
    const requested = required.scope === 'context' ? credentials.requestedOwner?.() : undefined;
    if (requested?.instance) {
      if (!caller.canOnInstance(required.instancePermission ?? required.permission)) throw permissionDenied();
      return { caller, onInstance: true };
    }
    const targetOrgId = requested?.orgId ?? credentials.orgHeader ?? caller.ownOrgId;
    if (targetOrgId === undefined) throw noOrganisationGiven();
    if (!caller.canInOrg(required.permission, targetOrgId)) throw permissionDenied();
    return { caller, targetOrgId };
  }
}

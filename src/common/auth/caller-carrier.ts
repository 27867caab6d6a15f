import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { AuthContext } from './auth-context.js';

interface HttpRequestWithCaller {
  headers: Record<string, string | string[] | undefined>;
  caller?: AuthContext;
}

/** Reads credentials from, and attaches the verified caller to, the request of any door. */
export interface CallerCarrier {
  authorization(): string | undefined;
  attach(caller: AuthContext): void;
  caller(): AuthContext | undefined;
}

export function callerCarrier(context: ExecutionContext): CallerCarrier {
  const request = context.switchToHttp().getRequest<HttpRequestWithCaller>();
  return {
    authorization: () => firstHeader(request.headers.authorization),
    attach: (caller) => {
      request.caller = caller;
    },
    caller: () => request.caller,
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The verified caller of the current request; the guard has put it there. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const caller = callerCarrier(context).caller();
  if (!caller) throw new Error('no authenticated caller on this request: is the route @Public?');
  return caller;
});

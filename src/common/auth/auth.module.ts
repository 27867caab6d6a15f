import { Global, Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy.service.js';
import { Authenticator } from './authenticator.service.js';
import { CallerRateLimit } from './caller-rate-limit.service.js';
import { TokenVerifier } from './token-verifier.service.js';

@Global()
@Module({
  providers: [TokenVerifier, Authenticator, CallerRateLimit, AccessPolicy],
  exports: [Authenticator, AccessPolicy],
})
export class AuthModule {}

import { Global, Module } from '@nestjs/common';
import { Authenticator } from './authenticator.service.js';
import { TokenVerifier } from './token-verifier.service.js';

@Global()
@Module({
  providers: [TokenVerifier, Authenticator],
  exports: [Authenticator],
})
export class AuthModule {}

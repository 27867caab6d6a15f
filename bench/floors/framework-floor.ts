// The floor of the framework: a minimal Nest app on FastifyAdapter, one global guard that only
// checks an authorization header is present, one controller answering the same object the service
// answered for the measured read (serialized by Fastify, as the service's answers are). No token
// verification, no database.
//
//   node dist/bench/floors/framework-floor.js PORT RESPONSE_FILE
import 'reflect-metadata';
import { CanActivate, Controller, ExecutionContext, HttpCode, Injectable, Module, Post, Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyRequest } from 'fastify';
import { CannedResponse, readCannedResponse } from './canned-response.js';

@Injectable()
class AuthorizationPresentGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<FastifyRequest>().headers.authorization !== undefined;
  }
}

function floorController(canned: CannedResponse): Type {
  const answer = JSON.parse(canned.body) as unknown;
  // Fastify writes an object as `application/json; charset=utf-8`, the service's content type
  @Controller()
  class FloorController {
    @Post(canned.path)
    @HttpCode(canned.status)
    answer(): unknown {
      return answer;
    }
  }
  return FloorController;
}

async function main(): Promise<void> {
  const [port, responseFile] = process.argv.slice(2);
  @Module({ controllers: [floorController(readCannedResponse(responseFile))], providers: [{ provide: APP_GUARD, useClass: AuthorizationPresentGuard }] })
  class FloorModule {}
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  console.log(`ready on port ${port}`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

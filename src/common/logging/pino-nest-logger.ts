import { LoggerService } from '@nestjs/common';
import { Logger as Pino } from 'pino';

/**
 * Nest's account of assembling the app, a line per module, controller and route (some sixty):
 * logged at debug, so a start at the default level says what it did in a few lines.
 */
const ASSEMBLY_DETAIL = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * A log context (a class name) as the sources write it. The bundle renames some classes: one
 * that shares its name with another module's gets a leading `_` (`_InstanceLoader`), and one the
 * compiler emits as a self-referencing expression gets the name of its binding
 * (`InstanceService_1`).
 */
function contextName(context: string | undefined): string | undefined {
  return context?.replace(/^_(?=[A-Z])/, '').replace(/(?<=[A-Za-z])_\d+$/, '');
}

/** Nest's logger writing through the same pino instance as Fastify's request logs (JSON lines). */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, context?: string): void {
    const name = contextName(context);
    if (name !== undefined && ASSEMBLY_DETAIL.has(name)) this.pino.debug({ context: name }, String(message));
    else this.pino.info({ context: name }, String(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context === undefined ? undefined : stackOrContext;
    this.pino.error({ context: contextName(context ?? stackOrContext), stack }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context: contextName(context) }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context: contextName(context) }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context: contextName(context) }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.pino.fatal({ context: contextName(context) }, String(message));
  }
}

import { Logger } from '@nestjs/common';

/**
 * Imported for its effect: Nest's console logger in this test process prints no debug lines. The
 * units of work the importing tests make conflict on purpose log each retry at debug ("write
 * conflict (attempt n), running the unit again"), hundreds a run; warnings and errors still print.
 */
Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);

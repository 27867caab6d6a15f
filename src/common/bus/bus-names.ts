/**
 * Names on the bus (SPEC §8). Events go out as `zitadel.events.<event type>` (NATS subject, Redis
 * channel, MQTT topic), or on RabbitMQ to the topic exchange `zitadel.events` with the event type
 * as routing key. API requests arrive as `<proto package>.<Service>.<Method>`.
 */
export const EVENT_PATTERN_PREFIX = 'zitadel.events.';
export const EVENTS_EXCHANGE = 'zitadel.events';

/** The proto package of each service that answers requests over the bus. */
export const API_SERVICE_PACKAGES = {
  AdminService: 'zitadel.admin.v1',
  ManagementService: 'zitadel.management.v1',
  SettingsService: 'zitadel.settings.v2',
  // our own extensions
  FactorSetService: 'loginpolicyfactors.v1',
} as const;

export type ApiService = keyof typeof API_SERVICE_PACKAGES;

export function apiRequestPattern(service: ApiService, method: string): string {
  return `${API_SERVICE_PACKAGES[service]}.${service}.${method}`;
}

export function isApiRequestPattern(pattern: unknown): pattern is string {
  return typeof pattern === 'string' && Object.entries(API_SERVICE_PACKAGES).some(([service, pkg]) => pattern.startsWith(`${pkg}.${service}.`));
}

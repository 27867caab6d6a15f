import { Counter, Histogram, Registry } from 'prom-client';

/** The ways a call comes in. */
export type Door = 'rest' | 'grpc' | 'grpc-web' | 'bus';

/** gRPC code names by number: the `code` label, the same on every door (SPEC §6). */
const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** From half a millisecond (a read answered from memory) to seconds (a database outage). */
const DURATION_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Per-call metrics of every door: `api_requests_total{operation, door, code}` and
 * `api_request_duration_seconds{operation, door}`. An operation is named as its gRPC method,
 * `<Service>/<Method>` (`AdminService/ListLoginPolicySecondFactors`), on every door, so one
 * operation's doors can be compared. Each door binds the series of its operations once
 * (`series`), so that recording a call costs a clock read, a histogram bucket and a counter.
 * The metrics are made before the application exists (the doors are) and join its registry once it does.
 */
export class RequestMetrics {
  private readonly calls = new Counter({
    name: 'api_requests_total',
    help: 'API calls answered, by operation (<Service>/<Method>), door (rest, grpc, grpc-web, bus) and gRPC code.',
    labelNames: ['operation', 'door', 'code'],
    registers: [],
  });
  private readonly durations = new Histogram({
    name: 'api_request_duration_seconds',
    help: 'Time from a call arriving at its door (after its headers were read) to its answer, by operation and door.',
    labelNames: ['operation', 'door'],
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [],
  });
  private readonly bound = new Map<string, OperationSeries>();

  register(registry: Registry): void {
    registry.registerMetric(this.calls);
    registry.registerMetric(this.durations);
  }

  /** The series of `operation` on `door`, made once and shared. */
  series(operation: string, door: Door): OperationSeries {
    const name = `${door} ${operation}`;
    let series = this.bound.get(name);
    if (series === undefined) this.bound.set(name, (series = new OperationSeries(operation, door, this.calls, this.durations.labels(operation, door))));
    return series;
  }
}

/** One operation on one door. */
export class OperationSeries {
  private readonly byCode: (Counter.Internal | undefined)[] = [];

  constructor(
    private readonly operation: string,
    private readonly door: Door,
    private readonly calls: Counter<string>,
    private readonly duration: Histogram.Internal<string>,
  ) {}

  /** A call that began at `startedAt` (performance.now()) was answered with gRPC `code`. */
  record(code: number, startedAt: number): void {
    this.duration.observe((performance.now() - startedAt) / 1000);
    let counter = this.byCode[code];
    if (counter === undefined) this.byCode[code] = counter = this.calls.labels(this.operation, this.door, CODE_NAMES[code] ?? String(code));
    counter.inc();
  }
}

/** `AdminService/ListOrgs` from an OpenAPI operationId (`AdminService_ListOrgs`); undefined for another shape. */
export function operationOfOperationId(operationId: unknown): string | undefined {
  if (typeof operationId !== 'string') return undefined;
  const match = /^([A-Za-z]+Service)_([A-Za-z]+)$/.exec(operationId);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** `AdminService/ListOrgs` from a gRPC path (`/zitadel.admin.v1.AdminService/ListOrgs`) or a bus pattern (`zitadel.admin.v1.AdminService.ListOrgs`). */
export function operationOfRpcName(name: string): string {
  const trimmed = name.startsWith('/') ? name.slice(1) : name;
  const slash = trimmed.lastIndexOf('/');
  if (slash >= 0) return `${trimmed.slice(trimmed.lastIndexOf('.', slash) + 1, slash)}/${trimmed.slice(slash + 1)}`;
  const method = trimmed.lastIndexOf('.');
  const service = trimmed.lastIndexOf('.', method - 1);
  return `${trimmed.slice(service + 1, method)}/${trimmed.slice(method + 1)}`;
}

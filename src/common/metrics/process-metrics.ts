import { Registry } from 'prom-client';

/** How one of prom-client's default metrics registers itself (`lib/metrics/<name>.js`). */
type DefaultMetric = (registry: Registry, config: { eventLoopMonitoringPrecision: number }) => void;

/*
 * prom-client's default metrics, each module of its `collectDefaultMetrics` but `gc`. That one
 * observes every garbage collection through a PerformanceObserver: node then makes a performance
 * entry (with deprecated getters, a closure each) per collection, about a hundred a second under
 * read load, and queues them for the observer; they outlive young collections and die in the old
 * generation. With allocation-site pretenuring off (see package.json's start), they were a third of
 * what the old generation took in during reads, and the full collections it causes are what held up
 * the read p99 (README: "Health and metrics", and the start command under "Quick start"). Required one by one since prom-client
 * offers no way to leave one out; the metrics e2e suite checks that each is still served.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const DEFAULT_METRICS_BUT_GC: DefaultMetric[] = [
  require('prom-client/lib/metrics/processCpuTotal'),
  require('prom-client/lib/metrics/processStartTime'),
  require('prom-client/lib/metrics/osMemoryHeap'),
  require('prom-client/lib/metrics/processOpenFileDescriptors'),
  require('prom-client/lib/metrics/processMaxFileDescriptors'),
  require('prom-client/lib/metrics/eventLoopLag'),
  require('prom-client/lib/metrics/processResources'),
  require('prom-client/lib/metrics/processHandles'),
  require('prom-client/lib/metrics/processRequests'),
  require('prom-client/lib/metrics/heapSizeAndUsed'),
  require('prom-client/lib/metrics/heapSpacesSizeAndUsed'),
  require('prom-client/lib/metrics/version'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Registers the process metrics (CPU, memory, heap, event-loop lag, handles, file descriptors, version) on `registry`. */
export function collectProcessMetrics(registry: Registry): void {
  // prom-client's own default precision for the event-loop lag histogram
  for (const register of DEFAULT_METRICS_BUT_GC) register(registry, { eventLoopMonitoringPrecision: 10 });
}

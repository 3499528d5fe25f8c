import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry, served at `/metrics`. Module-level on purpose: any module observes into
 * these without wiring (e.g. the screen pop records `popLatencySeconds`), and prom-client forbids registering a
 * metric name twice, which several apps in one test process would otherwise do.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'zvonok_' });

type Source = () => Promise<number>;
const sources: { callsInFlight: Source | null; busLag: Source | null; callsOwned: Source | null } = {
  callsInFlight: null,
  busLag: null,
  callsOwned: null,
};

/** Where the gauges read their values at scrape time (set by the composition root; the last call wins). */
export function setMetricSources(next: Partial<typeof sources>): void {
  Object.assign(sources, next);
}

/** Screen pop latency: the PBX's event → `call:ringing` emitted, in seconds. Observed by the call pipeline. */
export const popLatencySeconds = new Histogram({
  name: 'zvonok_pop_latency_seconds',
  help: "Screen pop latency from the PBX's ringing event to the socket emit, seconds",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const telephonyReconnects = new Counter({
  name: 'zvonok_telephony_reconnects_total',
  help: 'Times the telephony provider (AMI or drachtio connection) came back up after being down',
  registers: [metricsRegistry],
});

export const telephonyUp = new Gauge({
  name: 'zvonok_telephony_up',
  help: '1 while the telephony provider is connected and logged in',
  registers: [metricsRegistry],
});

export const callsInFlight = new Gauge({
  name: 'zvonok_calls_in_flight',
  help: 'Calls started in the last 12 hours that have not ended (all nodes: read from the database)',
  registers: [metricsRegistry],
  async collect() {
    if (sources.callsInFlight) this.set(await sources.callsInFlight());
  },
});

export const pipelineBatchRows = new Histogram({
  name: 'zvonok_pipeline_batch_rows',
  help: 'Call events written per call-store flush (one transaction)',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registers: [metricsRegistry],
});

export const pipelineFlushSeconds = new Histogram({
  name: 'zvonok_pipeline_flush_seconds',
  help: 'Time one call-store flush takes (batched writes of call_events, calls, call_pops, call_legs), seconds',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [metricsRegistry],
});

export const callsOwned = new Gauge({
  name: 'zvonok_pipeline_calls_owned',
  help: 'Calls this node holds in memory as their owner',
  registers: [metricsRegistry],
  async collect() {
    this.set(sources.callsOwned ? await sources.callsOwned() : 0);
  },
});

export const busLag = new Gauge({
  name: 'zvonok_bus_lag_messages',
  help: "Call events of this node's partitions not yet acknowledged: read and in hand, or not read yet",
  registers: [metricsRegistry],
  async collect() {
    this.set(sources.busLag ? await sources.busLag() : 0);
  },
});

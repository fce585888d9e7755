/** What the bench and its server processes say to each other over the IPC channel. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { spread } from './report.js';

export type ParentMessage = { type: 'mark' } | { type: 'stats' } | { type: 'flush' } | { type: 'stop' };

export interface ServerStats {
  /** CPU time the server used since the last mark, in seconds (user + system). */
  cpuSeconds: number;
  /** Share of wall time the event loop was busy since the last mark (1 = saturated). */
  eventLoopUtilization: number;
  rssMb: number;
  /** How late timers ran (ms): p99 and worst, i.e. how long the event loop was blocked at a stretch. */
  eventLoopDelayMs: { p99: number; max: number };
  /** Access records waiting in memory to be written (verify server only). */
  pendingRecords: number;
  /** Keys held in the verification cache (verify server only). */
  cachedKeys: number;
  /** The main thread's garbage-collection pauses since the last mark: what sets p99 when the server is not saturated. */
  gc: { minor: GcPauses; major: GcPauses };
}

/** Pauses of one kind of collection (ms). */
export interface GcPauses {
  count: number;
  p50: number;
  max: number;
  totalMs: number;
}

/** Young-generation collections (scavenges) and full ones (mark-compact) of the main thread, as Node reports them. */
class GcWatch {
  private minor: number[] = [];
  private major: number[] = [];
  constructor() {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // A 'gc' entry's detail names its kind (Node's types do not say so).
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) this.minor.push(entry.duration);
        else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.major.push(entry.duration);
      }
    }).observe({ entryTypes: ['gc'] });
  }

  reset(): void {
    this.minor = [];
    this.major = [];
  }

  stats(): { minor: GcPauses; major: GcPauses } {
    return { minor: pauses(this.minor), major: pauses(this.major) };
  }
}

function pauses(durations: number[]): GcPauses {
  if (durations.length === 0) return { count: 0, p50: 0, max: 0, totalMs: 0 };
  const { median, max } = spread(durations);
  return { count: durations.length, p50: median, max, totalMs: durations.reduce((sum, d) => sum + d, 0) };
}

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'marked' }
  | { type: 'flushed' }
  | { type: 'stats'; stats: ServerStats }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * BENCH_CPU_PROFILE=<dir>: the main thread's profile of the second measured run (the first after
 * the warm-up pass), written to <dir>/<name>-steady.cpuprofile when its stats are asked for.
 */
class SteadyProfile {
  private marks = 0;
  private session: Session | null = null;
  constructor(
    private readonly dir: string | undefined,
    private readonly name: string,
  ) {}

  async mark(): Promise<void> {
    if (this.dir === undefined || ++this.marks !== 2) return;
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
  }

  async stats(): Promise<void> {
    const session = this.session;
    if (session === null || this.dir === undefined) return;
    this.session = null;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(this.dir, `${this.name}-steady.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Runs a server process: reports its URL, answers stats between runs, stops cleanly on request. */
export async function serveChild(options: {
  name: string;
  start: () => Promise<{ url: string; close: () => Promise<void> }>;
  extra?: () => { pendingRecords: number; cachedKeys: number };
  /** Writes what the server holds back (the verify server's usage data); answered 'flushed'. */
  flush?: () => Promise<void>;
}): Promise<void> {
  let server: { url: string; close: () => Promise<void> };
  try {
    server = await options.start();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).stack ?? String(error) });
    process.exit(1);
  }
  let cpu = process.cpuUsage();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const gc = new GcWatch();
  const profile = new SteadyProfile(process.env.BENCH_CPU_PROFILE, options.name);
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'mark') {
      await profile.mark();
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
      delay.reset();
      gc.reset();
      send({ type: 'marked' });
    } else if (message.type === 'stats') {
      await profile.stats();
      const used = process.cpuUsage(cpu);
      const extra = options.extra?.() ?? { pendingRecords: 0, cachedKeys: 0 };
      send({
        type: 'stats',
        stats: {
          cpuSeconds: (used.user + used.system) / 1e6,
          eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
          rssMb: process.memoryUsage.rss() / 2 ** 20,
          eventLoopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
          gc: gc.stats(),
          ...extra,
        },
      });
    } else if (message.type === 'flush') {
      await options.flush?.();
      send({ type: 'flushed' });
    } else if (message.type === 'stop') {
      server
        .close()
        .then(() => {
          send({ type: 'stopped' });
          process.exit(0);
        })
        .catch((error: unknown) => {
          send({ type: 'failed', message: (error as Error).stack ?? String(error) });
          process.exit(1);
        });
    }
  });
  // Never outlive the bench: if it dies, so does this process.
  process.on('disconnect', () => process.exit(1));
  send({ type: 'ready', url: server.url });
}

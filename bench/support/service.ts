import { startCommand } from '../../test/support/start-command.js';
import { freePort, memoryOf, MemoryStatus, NodeProcess, PROJECT_ROOT } from './processes.js';

export interface ServiceLaunch {
  dataDir: string;
  /** Unset: the embedded SQLite database in dataDir. */
  databaseUrl?: string;
  /** Extra node options, e.g. --cpu-prof --cpu-prof-dir=/tmp/x. */
  nodeArgs: string[];
  /** A file that receives the service's stdout and stderr. */
  outputFile?: string;
}

/** The service as `npm start` runs it, in its own process, on a free port. */
export class Service {
  private constructor(
    private readonly process: NodeProcess,
    readonly baseUrl: string,
    private readonly launchedAt: number,
    /** From spawning the process to /debug/ready answering 200. */
    readonly readyAfterMs: number,
  ) {}

  static async launch(launch: ServiceLaunch): Promise<Service> {
    const port = await freePort();
    const start = startCommand(PROJECT_ROOT);
    const env: Record<string, string> = { ...start.env, HTTP_PORT: String(port), GRPC_PORT: '0', DATA_DIR: launch.dataDir, LOG_LEVEL: 'warn' };
    if (launch.databaseUrl) env.DATABASE_URL = launch.databaseUrl;
    // the rate limit stays on, so its cost is in every figure, but far above what one wrk token sends
    env.RATE_LIMIT_PER_SECOND = '10000000';
    const started = performance.now();
    const child = new NodeProcess(start.script, [], env, [...start.nodeArgs, ...launch.nodeArgs], launch.outputFile);
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = started + 60_000;
    while (performance.now() < deadline) {
      if (child.exited) throw new Error(`the service exited during start-up: ${child.recentOutput}`);
      if (await answers200(`${baseUrl}/debug/ready`)) return new Service(child, baseUrl, started, performance.now() - started);
      // short, so the ready figure is not rounded up by the polling
      await new Promise((done) => setTimeout(done, 5));
    }
    await child.stop();
    throw new Error(`the service was not ready within 60 s: ${child.recentOutput}`);
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Where we are on the clock of a --cpu-prof profile of the service (it starts with the process). */
  secondsSinceLaunch(): number {
    return (performance.now() - this.launchedAt) / 1000;
  }

  memory(): MemoryStatus {
    return memoryOf(this.process.pid);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false; // not listening yet
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

/**
 * A broker of the test's own on a free port (nats-server, redis-server or mosquitto from the
 * machine), so the test controls its life (outages) and no other test's traffic reaches it.
 */
export class LocalBroker {
  private process?: ChildProcess;

  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly command: string,
    private readonly args: string[],
    private readonly dataDir: string,
  ) {}

  /** nats-server with JetStream, its store in a directory of its own (kept across stop/start). */
  static async nats(): Promise<LocalBroker> {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'lpf-nats-'));
    return new LocalBroker(`nats://127.0.0.1:${port}`, port, 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], dir).start();
  }

  static async redis(): Promise<LocalBroker> {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'lpf-redis-'));
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir];
    return new LocalBroker(`redis://127.0.0.1:${port}`, port, 'redis-server', args, dir).start();
  }

  static async mosquitto(): Promise<LocalBroker> {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'lpf-mqtt-'));
    return new LocalBroker(`mqtt://127.0.0.1:${port}`, port, 'mosquitto', ['-p', String(port)], dir).start();
  }

  /** Starts the broker (again) and waits until its port accepts connections. */
  async start(): Promise<this> {
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: `${process.env.PATH}:/usr/sbin:/usr/local/sbin` } });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    this.process = child;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.command} exited with ${child.exitCode}: ${stderr}`);
      if (await portOpen(this.port)) return this;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`${this.command} did not open port ${this.port} within 15 s: ${stderr}`);
  }

  /** Stops the broker (an outage); its stored data stays for the next start. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The machine's RabbitMQ for the RabbitMQ suites (it cannot be started per test); unset → those suites are skipped. */
export const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL;

/** Why a suite that needs `command` cannot run here, or undefined when it can. */
export function missingBroker(command: 'nats-server' | 'redis-server' | 'mosquitto'): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  return dirs.some((dir) => dir && existsSync(join(dir, command))) ? undefined : `${command} is not installed`;
}

import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startCommand } from './start-command.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled script of this project to its end. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', GRPC_PORT: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const outputs = new WeakMap<ChildProcess, { text: string }>();

/** What a service started by `startService` has written so far, its log lines (stdout) and stderr, in the order they came. */
export function outputOf(child: ChildProcess): string {
  return outputs.get(child)?.text ?? '';
}

/** Starts the service as `npm start` does and waits until /debug/healthz answers (on `host`, as a URL writes it: `[::1]`). */
export async function startService(env: Record<string, string>, port: number, host = '127.0.0.1'): Promise<ChildProcess> {
  const start = startCommand();
  const child = spawn(process.execPath, [...start.nodeArgs, start.script], {
    env: { PATH: process.env.PATH ?? '', ...start.env, LOG_LEVEL: 'warn', GRPC_PORT: '0', ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const output = { text: '' };
  outputs.set(child, output);
  child.stdout?.on('data', (chunk) => (output.text += chunk));
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    output.text += chunk;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`http://${host}:${port}/debug/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not start within 30 s: ${stderr}`);
}

export function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CONFIG_VARIABLES } from '@postern/config';
import { eventually } from './test-env';

/** How a child process ended, with everything it wrote. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for a child process: this process's environment without any Postern
 * variable (so a developer's shell cannot leak into the test), then `vars`. A variable set
 * to `undefined` is left out.
 */
export function childEnv(...vars: Record<string, string | undefined>[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...Object.keys(CONFIG_VARIABLES), 'NODE_TEST_CONTEXT']) delete env[name];
  for (const set of vars) {
    for (const [name, value] of Object.entries(set)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  }
  return env;
}

/** A TCP port nothing listens on right now (bound on 127.0.0.1, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A running `node <script>` child whose output is collected. */
export class NodeProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ProcessResult>;
  private result: ProcessResult | undefined;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        this.result = { code, signal, stdout: this.stdout, stderr: this.stderr };
        resolve(this.result);
      });
    });
    // A failed spawn is reported by whoever awaits `exited`; never as an unhandled rejection.
    this.exited.catch(() => undefined);
  }

  /** Starts `node script ...args` with the given environment (see childEnv). */
  static start(script: string, args: string[], env: NodeJS.ProcessEnv): NodeProcess {
    return new NodeProcess(spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get running(): boolean {
    return this.result === undefined;
  }

  /**
   * Polls `check` (an error counts as "not yet", like a refused connection) until it returns a
   * value; fails with the output at the deadline, or at once if the process exits first.
   */
  until<T>(check: () => Promise<T | undefined | false>, options: { timeoutMs?: number; what: string }): Promise<T> {
    return eventually(check, {
      timeoutMs: options.timeoutMs ?? 20_000,
      what: options.what,
      failFast: () => (this.running ? undefined : new Error(`process exited (${this.describeExit()})`)),
      details: () => this.output(),
    });
  }

  /** Waits until stdout matches (see until). */
  waitForStdout(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return this.until(() => Promise.resolve(this.stdout.match(pattern) ?? undefined), { timeoutMs, what: `printing ${pattern}` });
  }

  /** Waits for the exit, killing the process (and failing) once the deadline passes. */
  async wait(timeoutMs = 20_000): Promise<ProcessResult> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.kill();
        reject(new Error(`process still running after ${timeoutMs} ms; killed\n${this.output()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ProcessResult> {
    if (this.running) this.child.kill(signal);
    return this.wait(timeoutMs);
  }

  /** Kills the process if it still runs (for `after` hooks), and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
  }

  output(): string {
    return `--- stdout ---\n${this.stdout}--- stderr ---\n${this.stderr}`;
  }

  private describeExit(): string {
    return this.result?.signal ? `signal ${this.result.signal}` : `code ${this.result?.code}`;
  }
}

/** Runs `node script ...args` to completion (killed and failed after the deadline). */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ProcessResult> {
  return NodeProcess.start(script, args, env).wait(timeoutMs);
}

import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

/**
 * Shell that outlives nothing: it blocks on its stdin, a pipe whose only writer
 * is this Node process. When this process dies for any reason (including
 * SIGKILL, which runs no 'exit' handler) the pipe closes, `read` returns, and
 * the shell kills the server whose pid is in the pid file and removes the
 * temporary directory. It ignores INT/TERM/HUP so a signal meant for the test
 * runner cannot take it down before it has done its job.
 */
const WATCHDOG_SCRIPT = [
  "trap '' INT TERM HUP",
  'read -r _ignored',
  'pid=$(cat "$1/pid" 2>/dev/null)',
  'if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi',
  'rm -rf -- "$1"',
].join('\n');

interface Guarded {
  killNowSync(): void;
}

const live = new Set<Guarded>();
let hooksInstalled = false;

function killAllNowSync(): void {
  for (const entry of live) entry.killNowSync();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  // Someone else handles this signal (a runner shutting down in its own order):
  // leave the servers to it; the 'exit' hook and the watchdog still cover us.
  if (process.listenerCount(signal) > 0) return;
  killAllNowSync();
  // Listening for a signal disables Node's default "exit on signal"; restore it.
  process.kill(process.pid, signal);
}

/**
 * In-process half of the orphan protection. Jest runs each test file with its
 * own copy of `process`, whose listeners the real process never calls, so
 * inside jest the watchdog shell does the work; these hooks cover plain Node
 * scripts (local runners, e2e drivers), where they act first and quietly.
 */
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllNowSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/**
 * Makes sure one server (whatever pid it currently has) and its temporary
 * directory do not outlive this Node process.
 */
export class OrphanGuard implements Guarded {
  private readonly watchdog: ChildProcess | undefined;
  private child: ChildProcess | undefined;
  private released = false;

  constructor(private readonly rootDir: string) {
    installHooks();
    this.watchdog = spawnWatchdog(rootDir);
    live.add(this);
  }

  /** Records the server process that must die with us (undefined: none now). */
  track(child: ChildProcess | undefined): void {
    this.child = child;
    const pid = child?.pid;
    writeFileSync(join(this.rootDir, 'pid'), pid === undefined ? '' : String(pid));
  }

  /** The directory is gone and no server runs: nothing left to guard. */
  release(): void {
    if (this.released) return;
    this.released = true;
    live.delete(this);
    this.child = undefined;
    this.watchdog?.kill('SIGKILL');
  }

  killNowSync(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(this.rootDir, { recursive: true, force: true });
    this.release();
  }
}

function spawnWatchdog(rootDir: string): ChildProcess | undefined {
  try {
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'test-helpers-watchdog', rootDir], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // Best effort: without /bin/sh the in-process hooks still apply.
    watchdog.on('error', () => undefined);
    watchdog.unref();
    if (watchdog.stdin instanceof Socket) watchdog.stdin.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

/**
 * Preloaded (`node --require`) into every service the stack starts. The service's
 * stdin is a pipe whose only writer is the stack process; when the stack dies
 * without stopping it (SIGKILL, a crash), the pipe ends and the service is killed
 * instead of living on as an orphan holding its port.
 *
 * SIGKILL, not a graceful SIGTERM: by then its NATS, Redis and MongoDB are being
 * killed by test-helpers' watchdogs, and its stdout (a pipe to the dead stack) is
 * broken; a service logging into that pipe during shutdown was seen to block
 * forever (main thread in a futex wait, deaf to signals and to its own backstop).
 */
const stdin = process.stdin;
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};
stdin.on('end', die);
stdin.on('error', die);
stdin.resume();
// Only a watch: it must never be what keeps the service's event loop alive.
stdin.unref();

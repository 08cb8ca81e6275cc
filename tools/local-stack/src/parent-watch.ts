/**
 * Preloaded (`node --require`) into every service the stack starts. The service's
 * stdin is a pipe whose only writer is the stack process; when the stack dies in
 * any way, SIGKILL included, the pipe ends and the service shuts itself down
 * gracefully instead of living on as an orphan holding its port.
 */
const stdin = process.stdin;
stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
stdin.resume();
// Only a watch: it must never be what keeps the service's event loop alive.
stdin.unref();

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { CliConfigError, parseCliConfig } from './cli-config';

/**
 * `npm start`: runs the stack in a child process of its own process group, so a
 * terminal's Ctrl-C (sent to the whole foreground group) reaches only this
 * supervisor. It then asks the runner to stop in order — gateway, services,
 * then NATS/Redis/MongoDB — instead of every process dying at once.
 */
function main(): void {
  let config: ReturnType<typeof parseCliConfig>;
  try {
    config = parseCliConfig(process.env);
  } catch (error) {
    if (!(error instanceof CliConfigError)) throw error;
    process.stderr.write(`local-stack: ${error.message}\n`);
    process.exit(1);
  }

  const runner = fork(join(__dirname, 'runner.js'), [JSON.stringify(config)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  let stopRequested = false;
  const requestStop = (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's signal too: one stop is enough, the runner has its own backstops.
    if (stopRequested) return;
    stopRequested = true;
    process.stdout.write(`\n[local-stack] ${signal}: stopping…\n`);
    if (runner.connected) runner.send({ type: 'stop' });
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  process.on('SIGHUP', requestStop);

  runner.on('exit', (code, signal) => {
    if (signal !== null) process.stderr.write(`[local-stack] runner killed by ${signal}\n`);
    process.exit(code ?? 1);
  });
}

main();

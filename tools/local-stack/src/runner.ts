import type { CliConfig } from './cli-config';
import { ROUTES, type Stack, startStack } from './stack';

/**
 * The CLI's stack process (see cli.ts). Stops on the supervisor's `stop` message
 * or when the supervisor goes away, and shuts the whole stack down (exit 1) when
 * a service dies unexpectedly: a half-running system is worse than a loud stop.
 */
const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function banner(url: string): string {
  const cookies = '/tmp/ticketing-cookies.txt';
  const json = "-H 'content-type: application/json'";
  return [
    '',
    `[local-stack] ticketing is running at ${url}`,
    `  routes: ${ROUTES.map(({ prefix, service }) => `${prefix} → ${service}`).join(', ')}`,
    '  try:',
    `    curl -i -c ${cookies} ${json} -d '{"email":"ada@example.com","password":"secret"}' ${url}/api/users/signup`,
    `    curl -b ${cookies} ${url}/api/users/currentuser`,
    `    curl -b ${cookies} ${json} -d '{"title":"concert","price":20}' ${url}/api/tickets`,
    `    curl ${url}/api/tickets`,
    `    curl -b ${cookies} ${json} -d '{"ticketId":"<id>"}' ${url}/api/orders   # as another user`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function run(config: CliConfig): Promise<void> {
  let stack: Stack | undefined;
  let stopping = false;
  let exitCode = 0;

  const stopAndExit = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (stack === undefined) return; // start-up still running: stopped as soon as it returns
    write(`[local-stack] stopping (${reason})…`);
    const clean = await stack.stop();
    write(
      clean
        ? '[local-stack] stopped cleanly'
        : '[local-stack] stopped; a service did not exit cleanly',
    );
    process.exit(clean ? exitCode : 1);
  };

  process.on('message', (message: unknown) => {
    if (
      typeof message === 'object' &&
      message !== null &&
      'type' in message &&
      message.type === 'stop'
    ) {
      void stopAndExit('requested', 0);
    }
  });
  process.on('disconnect', () => void stopAndExit('supervisor gone', 0));

  try {
    stack = await startStack({
      ...config.stack,
      gatewayPort: config.gatewayPort,
      log: write,
      onServiceExit: (service) => void stopAndExit(`${service} died`, 1),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[local-stack] start-up failed: ${message}\n`);
    process.exit(1);
  }
  if (stopping) {
    stopping = false;
    await stopAndExit('stop requested during start-up', exitCode);
    return;
  }
  write(banner(stack.gatewayUrl));
}

const config = JSON.parse(process.argv[2] ?? '{}') as CliConfig;
void run(config);

import { CliConfigError, parseCliConfig } from '../src/cli-config';

describe('parseCliConfig', () => {
  test('when nothing is set, then the gateway is on 4000, logs at info and the key is left to the stack', () => {
    expect(parseCliConfig({})).toEqual({ gatewayPort: 4000, stack: { logLevel: 'info' } });
  });

  test('when every key is set, then each is used', () => {
    expect(
      parseCliConfig({
        PORT: '8080',
        JWT_KEY: 'k',
        EXPIRATION_WINDOW_SECONDS: '30',
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      gatewayPort: 8080,
      stack: { jwtKey: 'k', expirationWindowSeconds: 30, logLevel: 'warn' },
    });
  });

  test('when keys are invalid, then one error names each of them', () => {
    const parse = () =>
      parseCliConfig({ PORT: '70000', EXPIRATION_WINDOW_SECONDS: '0', LOG_LEVEL: 'loud' });

    expect(parse).toThrow(CliConfigError);
    expect(parse).toThrow(/PORT.*EXPIRATION_WINDOW_SECONDS.*LOG_LEVEL/);
  });
});

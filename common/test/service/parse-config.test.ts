import { z } from 'zod';
import { ConfigError, loadConfigOrExit, parseConfig } from '../../src';

const schema = z.object({
  JWT_KEY: z.string(),
  MONGO_URI: z.string(),
  PORT: z.coerce.number().int().default(3000),
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseConfig', () => {
  it('when every key is valid, then it returns the parsed values, frozen, with defaults', () => {
    const config = parseConfig(schema, { JWT_KEY: 'k', MONGO_URI: 'mongodb://m', OTHER: 'x' });
    expect(config).toEqual({ JWT_KEY: 'k', MONGO_URI: 'mongodb://m', PORT: 3000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when a required key is missing, then one line names it', () => {
    const error = thrown(() => parseConfig(schema, { MONGO_URI: 'mongodb://m' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('Invalid configuration: JWT_KEY is required');
    expect((error as ConfigError).keys).toEqual(['JWT_KEY']);
  });

  it('when a key is set to the empty string, then it counts as missing', () => {
    const error = thrown(() => parseConfig(schema, { JWT_KEY: '', MONGO_URI: 'mongodb://m' }));
    expect((error as Error).message).toBe('Invalid configuration: JWT_KEY is required');
  });

  it('when several keys are bad, then the one line names each and echoes no value', () => {
    const error = thrown(() => parseConfig(schema, { PORT: 'secret-looking' }));
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain('JWT_KEY is required');
    expect(message).toContain('MONGO_URI is required');
    expect(message).toContain('PORT is invalid');
    expect(message).not.toContain('secret-looking');
  });
});

describe('loadConfigOrExit', () => {
  it('when the config is invalid, then it writes the one line and exits 1', () => {
    const lines: string[] = [];
    const exit = jest.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    expect(() =>
      loadConfigOrExit(schema, { MONGO_URI: 'mongodb://m' }, { write: (l) => lines.push(l), exit }),
    ).toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines).toEqual(['Invalid configuration: JWT_KEY is required\n']);
  });

  it('when the config is valid, then it neither writes nor exits', () => {
    const exit = jest.fn((): never => {
      throw new Error('exit');
    });
    const write = jest.fn();
    const config = loadConfigOrExit(schema, { JWT_KEY: 'k', MONGO_URI: 'm' }, { write, exit });
    expect(config.PORT).toBe(3000);
    expect(write).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });
});

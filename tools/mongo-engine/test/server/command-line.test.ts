import { CommandLineError, parseCommandLine } from '../../src';

describe('parseCommandLine', () => {
  it('when given the flags mongodb-memory-server passes, then it reads them all', () => {
    const cmd = parseCommandLine([
      '--port',
      '41234',
      '--dbpath',
      '/tmp/x',
      '--replSet',
      'testset',
      '--storageEngine',
      'wiredTiger',
      '--bind_ip',
      '127.0.0.1',
      '--noauth',
      '--setParameter',
      'a=1',
      '--setParameter=b=two',
      '--oplogSize=50',
      '--ipv6',
    ]);
    expect(cmd).toMatchObject({
      port: 41234,
      dbPath: '/tmp/x',
      replSet: 'testset',
      storageEngine: 'wiredTiger',
      bindIp: '127.0.0.1',
      auth: false,
      ipv6: true,
      oplogSizeMB: 50,
      setParameters: { a: '1', b: 'two' },
    });
  });

  it('when given unknown options, then it keeps them aside without swallowing known ones', () => {
    const cmd = parseCommandLine([
      '--bind_ip_all',
      '--port',
      '1',
      '--wiredTigerCacheSizeGB',
      '0.25',
      '-vv',
    ]);
    expect(cmd.port).toBe(1);
    expect(cmd.ignored).toEqual(['--bind_ip_all', '--wiredTigerCacheSizeGB=0.25', '-vv']);
  });

  it.each(['abc', '70000', '-1', '1.5'])(
    'when the port is %s, then it refuses the command line',
    (port) => {
      expect(() => parseCommandLine(['--port', port])).toThrow(CommandLineError);
    },
  );

  it('when --replSet names seeds, then only the set name is kept', () => {
    expect(parseCommandLine(['--replSet', 'rs0/a:1,b:2']).replSet).toBe('rs0');
  });
});

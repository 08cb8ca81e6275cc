import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resolveMongoBinary } from '../src';

let root: string;
/** Directories of a fake machine: nothing in them unless a test puts it there. */
let home: string;
let cwd: string;
let bin: string;
const engineBinary = '/opt/engine/bin/mongod-engine';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'resolve-mongo-'));
  home = join(root, 'home');
  cwd = join(root, 'repo', 'services', 'tickets');
  bin = join(root, 'bin');
  for (const dir of [home, cwd, bin]) mkdirSync(dir, { recursive: true });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function fakeFile(path: string, executable = true): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

function resolveWith(env: NodeJS.ProcessEnv = {}) {
  return resolveMongoBinary({
    env: { PATH: bin, ...env },
    homeDir: home,
    cwd,
    arch: 'x64',
    engineBinary,
  });
}

const homeCache = (): string => join(home, '.cache', 'mongodb-binaries');

describe('resolveMongoBinary', () => {
  test('when nothing is installed, then it picks the project engine and says why', () => {
    expect(resolveWith()).toEqual({
      engine: 'mongo-engine',
      source: 'project-engine',
      systemBinary: engineBinary,
      version: undefined,
      reason: 'no mongod on PATH or in the mongodb-memory-server cache',
    });
  });

  test('when MONGOMS_SYSTEM_BINARY is set, then it wins over PATH and cache, taken as is', () => {
    fakeFile(join(bin, 'mongod'));
    fakeFile(join(homeCache(), 'mongod-x64-debian-7.0.24'));

    const choice = resolveWith({ MONGOMS_SYSTEM_BINARY: './relative/mongod-not-checked' });

    expect(choice).toMatchObject({
      engine: 'mongod',
      source: 'env',
      systemBinary: './relative/mongod-not-checked',
    });
  });

  test('when MONGOMS_SYSTEM_BINARY names the project engine, then it is reported as the engine', () => {
    expect(resolveWith({ MONGOMS_SYSTEM_BINARY: engineBinary })).toMatchObject({
      engine: 'mongo-engine',
      source: 'env',
    });
  });

  test('when mongod is on PATH, then it wins over the cache', () => {
    const other = join(root, 'other-bin');
    const onPath = fakeFile(join(other, 'mongod'));
    fakeFile(join(homeCache(), 'mongod-x64-debian-7.0.24'));

    const choice = resolveWith({ PATH: `${bin}:${other}` });

    expect(choice).toMatchObject({ engine: 'mongod', source: 'path', systemBinary: onPath });
    expect(choice.reason).toBe(`mongod on PATH at ${onPath}`);
  });

  test('when the mongod on PATH is not executable, then it is passed over', () => {
    fakeFile(join(bin, 'mongod'), false);

    expect(resolveWith().source).toBe('project-engine');
  });

  test('when mongodb-memory-server cached a mongod in the home cache, then that one is used', () => {
    const cached = fakeFile(join(homeCache(), 'mongod-x64-ubuntu2204-6.0.14'));

    expect(resolveWith()).toMatchObject({
      engine: 'mongod',
      source: 'cache',
      systemBinary: cached,
      version: '6.0.14',
    });
  });

  test('when the cache is in node_modules of a directory above cwd, then it is found', () => {
    const cached = fakeFile(
      join(
        root,
        'repo',
        'node_modules',
        '.cache',
        'mongodb-memory-server',
        'mongod-x64-debian-7.0.24',
      ),
    );

    expect(resolveWith()).toMatchObject({ source: 'cache', systemBinary: cached });
  });

  test('when MONGOMS_DOWNLOAD_DIR holds a mongod, then it is found', () => {
    const cached = fakeFile(join(root, 'downloads', 'mongod-x64-debian-7.0.24'));

    expect(resolveWith({ MONGOMS_DOWNLOAD_DIR: join(root, 'downloads') })).toMatchObject({
      source: 'cache',
      systemBinary: cached,
    });
  });

  test('when several versions are cached, then the configured version wins, else the newest', () => {
    fakeFile(join(homeCache(), 'mongod-x64-debian-6.0.14'));
    const newest = fakeFile(join(homeCache(), 'mongod-x64-debian-8.0.4'));
    const configured = fakeFile(join(homeCache(), 'mongod-x64-debian-7.0.24'));

    expect(resolveWith({ MONGOMS_VERSION: '7.0.24' }).systemBinary).toBe(configured);
    expect(resolveWith({ MONGOMS_VERSION: '5.0.0' }).systemBinary).toBe(newest);
  });

  test('when a cached binary is for another arch, still downloading, or not a mongod, then it is skipped', () => {
    fakeFile(join(homeCache(), 'mongod-arm64-debian-7.0.24'));
    fakeFile(join(homeCache(), 'mongod-x64-debian-7.0.20'));
    writeFileSync(join(homeCache(), '7.0.20.lock'), '');
    fakeFile(join(homeCache(), 'mongos-x64-debian-7.0.24'));

    expect(resolveWith().source).toBe('project-engine');
  });

  test('when no engine path is given, then it is the mongod-engine bin of @ticketing/mongo-engine', () => {
    const choice = resolveMongoBinary({ env: { PATH: bin }, homeDir: home, cwd, arch: 'x64' });

    expect(choice.systemBinary).toBe(
      resolve(__dirname, '..', '..', 'mongo-engine', 'bin', 'mongod-engine'),
    );
  });
});

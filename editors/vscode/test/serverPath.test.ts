import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { bundledServerPath, resolveServer, type ServerFound, type ServerMissing } from '../src/serverPath';

let root: string;

function file(rel: string, mode = 0o755): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '#!/bin/sh\n');
  fs.chmodSync(p, mode);
  return p;
}

function dir(rel: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

function found(r: ServerFound | ServerMissing): ServerFound {
  assert.ok(!('error' in r), `expected a server, got: ${'error' in r ? r.error : ''}`);
  return r;
}

function missing(r: ServerFound | ServerMissing): ServerMissing {
  assert.ok('error' in r, `expected no server, got ${'path' in r ? r.path : ''}`);
  return r;
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clerk-core2-path-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('resolveServer', () => {
  const linux = (over: Partial<Parameters<typeof resolveServer>[0]> = {}) => ({
    extensionPath: path.join(root, 'ext'),
    env: { PATH: '' },
    platform: 'linux' as const,
    ...over,
  });

  test('the setting wins over the bundled binary and PATH', () => {
    const mine = file('custom/clerk-core2-lsp');
    file('ext/server/clerk-core2-lsp');
    file('bin/clerk-core2-lsp');
    const r = found(resolveServer(linux({ configured: mine, env: { PATH: path.join(root, 'bin') } })));
    assert.deepEqual(r, { path: mine, source: 'setting' });
  });

  test('a relative setting is taken from the workspace folder', () => {
    const mine = file('ws/target/release/clerk-core2-lsp');
    const r = found(
      resolveServer(linux({ configured: 'target/release/clerk-core2-lsp', workspaceFolder: path.join(root, 'ws') })),
    );
    assert.equal(r.path, mine);
  });

  test('~ in the setting is the home folder', () => {
    const mine = file('home/.cargo/bin/clerk-core2-lsp');
    const r = found(
      resolveServer(linux({ configured: '~/.cargo/bin/clerk-core2-lsp', env: { HOME: path.join(root, 'home') } })),
    );
    assert.equal(r.path, mine);
  });

  test('a setting that points nowhere is an error, not a silent fallback', () => {
    file('ext/server/clerk-core2-lsp');
    file('bin/clerk-core2-lsp');
    const r = missing(
      resolveServer(linux({ configured: path.join(root, 'nope'), env: { PATH: path.join(root, 'bin') } })),
    );
    assert.match(r.error, /clerkCore2\.server\.path/);
    assert.match(r.error, /nope/);
  });

  test('a setting naming a folder or a file that cannot run is an error', () => {
    dir('folder');
    file('plain', 0o644);
    missing(resolveServer(linux({ configured: path.join(root, 'folder') })));
    missing(resolveServer(linux({ configured: path.join(root, 'plain') })));
  });

  test('a blank setting is ignored', () => {
    const bundled = file('ext/server/clerk-core2-lsp');
    const r = found(resolveServer(linux({ configured: '   ' })));
    assert.deepEqual(r, { path: bundled, source: 'bundled' });
    assert.equal(found(resolveServer(linux({ configured: null }))).path, bundled);
  });

  test('the bundled binary wins over PATH', () => {
    const bundled = file('ext/server/clerk-core2-lsp');
    file('bin/clerk-core2-lsp');
    const r = found(resolveServer(linux({ env: { PATH: path.join(root, 'bin') } })));
    assert.deepEqual(r, { path: bundled, source: 'bundled' });
    assert.equal(bundled, bundledServerPath(path.join(root, 'ext'), 'linux'));
  });

  test('a bundled binary that lost its execute bit gets it back', () => {
    const bundled = file('ext/server/clerk-core2-lsp', 0o644);
    const r = found(resolveServer(linux()));
    assert.equal(r.path, bundled);
    assert.ok(fs.statSync(bundled).mode & 0o100);
  });

  test('PATH is searched in order, skipping folders, non-executables and empty entries', () => {
    dir('a/clerk-core2-lsp');
    file('b/clerk-core2-lsp', 0o644);
    const c = file('c/clerk-core2-lsp');
    file('d/clerk-core2-lsp');
    const PATH = ['', 'a', 'b', 'c', 'd'].map((d) => (d ? path.join(root, d) : d)).join(':');
    const r = found(resolveServer(linux({ env: { PATH } })));
    assert.deepEqual(r, { path: c, source: 'path' });
  });

  test('nothing found: the error says how to fix it and lists what was tried', () => {
    const PATH = [path.join(root, 'x'), path.join(root, 'y')].join(':');
    const r = missing(resolveServer(linux({ env: { PATH } })));
    assert.match(r.error, /clerkCore2\.server\.path/);
    assert.match(r.error, /PATH/);
    assert.deepEqual(r.tried, [
      path.join(root, 'ext', 'server', 'clerk-core2-lsp'),
      path.join(root, 'x', 'clerk-core2-lsp'),
      path.join(root, 'y', 'clerk-core2-lsp'),
    ]);
  });

  test('Windows looks for the .exe in Path, split on semicolons', () => {
    const exe = file('win/clerk-core2-lsp.exe', 0o644);
    const r = found(
      resolveServer({
        extensionPath: path.join(root, 'ext'),
        env: { Path: `${path.join(root, 'none')};${path.join(root, 'win')}` },
        platform: 'win32',
      }),
    );
    assert.deepEqual(r, { path: exe, source: 'path' });
  });
});

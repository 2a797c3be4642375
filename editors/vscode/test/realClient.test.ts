/**
 * The extension with the real vscode-languageclient, only `vscode` stubbed,
 * against the real server: what VS Code would start, announce and stop.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';

import type * as Extension from '../src/extension';
import { FIX_ALL_KIND } from '../src/fixAll';
import { realClientCapabilities } from './clientCapabilities';
import { loadWithStubs } from './stubs/modules';
import { createPermissiveVscode, fakeContext } from './stubs/vscode';
import { serverBinary } from './server';

function serverProcess(client: unknown): ChildProcess {
  // Not public API; the version is pinned in package-lock.json.
  const p = (client as { _serverProcess?: ChildProcess })._serverProcess;
  assert.ok(p, 'the client spawned a process');
  return p;
}

function exited(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null) {
    return Promise.resolve(p.exitCode);
  }
  return new Promise((resolve) => p.once('exit', (code) => resolve(code)));
}

let savedPath: string | undefined;
afterEach(() => {
  if (savedPath !== undefined) {
    process.env.PATH = savedPath;
    savedPath = undefined;
  }
});

function start(config: Record<string, unknown>) {
  const { vscode, state, changeConfig } = createPermissiveVscode(config);
  const ext = loadWithStubs<typeof Extension>({ vscode });
  return { ext, state, changeConfig };
}

describe('vscode-languageclient capabilities', () => {
  test('announce what the server relies on', () => {
    const caps = realClientCapabilities();
    // Only UTF-16 on offer: the server must fall back to it.
    assert.deepEqual(caps.general?.positionEncodings, ['utf-16']);
    // The server sends versioned edits when this is set.
    assert.equal(caps.workspace?.workspaceEdit?.documentChanges, true);
    const ca = caps.textDocument?.codeAction;
    assert.ok(ca?.codeActionLiteralSupport, 'code action literals');
    assert.equal(ca?.isPreferredSupport, true);
    assert.equal(caps.textDocument?.publishDiagnostics?.codeDescriptionSupport, true);
    assert.equal(caps.textDocument?.hover?.contentFormat?.[0], 'markdown');
  });
});

describe('activation with the real client and server', () => {
  test('starts the server over stdio, sends our settings, restarts and stops it cleanly', async () => {
    const bin = serverBinary();
    savedPath = process.env.PATH;
    // Found on PATH, as for a user who installed it with cargo.
    process.env.PATH = `${path.dirname(bin)}${path.delimiter}${process.env.PATH}`;
    const { ext, state, changeConfig } = start({
      'clerkCore2.rules': { 'api-key-option': 'warning' },
      'clerkCore2.trace.server': 'verbose',
    });

    const api = await ext.activate(fakeContext('/no/bundled/server') as never);
    const client = api.client;
    assert.ok(client);
    assert.ok(client.isRunning(), `client running; messages: ${JSON.stringify(state.messages)}`);
    assert.deepEqual(state.messages, []);
    const init = client.initializeResult;
    assert.equal(init?.serverInfo?.name, 'clerk-core2-lsp');
    assert.equal(init?.capabilities.positionEncoding, 'utf-16');
    const kinds = (init?.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes(FIX_ALL_KIND));

    const first = serverProcess(client);
    assert.deepEqual(first.spawnargs, [bin, '--stdio']);

    // clerkCore2.trace.server reaches the client: the traffic is logged verbatim.
    const trace = () => state.channels[1].lines.join('');
    assert.match(trace(), /Sending request 'initialize/);
    assert.match(trace(), /"initializationOptions": \{\s*"clerkCore2": \{\s*"rules": \{\s*"api-key-option": "warning"/);

    await changeConfig({ 'clerkCore2.scope': 'allFiles' });
    assert.match(trace(), /Sending notification 'workspace\/didChangeConfiguration'[\s\S]*"scope": "allFiles"/);

    await state.commands.get('clerkCore2.restartServer')!();
    assert.equal(await exited(first), 0, 'shutdown and exit, not a kill');
    const second = serverProcess(api.client);
    assert.notEqual(second.pid, first.pid);
    assert.ok(api.client?.isRunning());

    await ext.deactivate();
    assert.equal(await exited(second), 0);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';

import type * as Extension from '../src/extension';
import { createLanguageClientModule, FakeLanguageClient, TransportKind } from './stubs/languageclient';
import { loadWithStubs } from './stubs/modules';
import { createVscode, fakeContext, Range, uri } from './stubs/vscode';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

let root: string;
let savedPath: string | undefined;

function executable(rel: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '#!/bin/sh\n');
  fs.chmodSync(p, 0o755);
  return p;
}

function setup(config: Record<string, unknown> = {}) {
  const { vscode, state, changeConfig } = createVscode(config);
  const ext = loadWithStubs<typeof Extension>({
    vscode,
    'vscode-languageclient/node': createLanguageClientModule(),
  });
  const context = fakeContext(path.join(root, 'ext'));
  return { ext, state, changeConfig, context };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clerk-core2-activate-'));
  // Activation must not pick up a developer's own install.
  savedPath = process.env.PATH;
  process.env.PATH = path.join(root, 'bin');
});
afterEach(() => {
  process.env.PATH = savedPath;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('activate', () => {
  test('starts one client over stdio with the documented selector, settings and channels', async () => {
    const server = executable('bin/clerk-core2-lsp');
    const { ext, state, context } = setup({
      'clerkCore2.rules': { 'client-setter-removed': 'warning' },
      'clerkCore2.scope': 'allFiles',
    });
    const api = await ext.activate(context as never);

    assert.equal(FakeLanguageClient.instances.length, 1);
    const client = FakeLanguageClient.instances[0];
    assert.equal(client.id, 'clerkCore2');
    assert.deepEqual(client.serverOptions, { command: server, args: [], transport: TransportKind.stdio });
    assert.equal(client.started, 1);
    assert.equal(api.client as unknown, client);

    const selector = client.clientOptions.documentSelector as { scheme: string; language?: string; pattern?: string }[];
    for (const language of ['javascript', 'javascriptreact', 'typescript', 'typescriptreact']) {
      assert.ok(selector.some((s) => s.scheme === 'file' && s.language === language), language);
    }
    const patterns = selector.filter((s) => s.pattern).map((s) => s.pattern);
    assert.deepEqual(patterns, ['**/.env', '**/.env.*', '**/package.json']);
    assert.ok(selector.every((s) => s.scheme === 'file' || s.scheme === 'untitled'));

    assert.deepEqual(client.clientOptions.initializationOptions, {
      clerkCore2: { rules: { 'client-setter-removed': 'warning' }, scope: 'allFiles' },
    });
    const [output, trace] = state.channels;
    assert.equal(output.name, 'Clerk Core 2');
    assert.equal(client.clientOptions.outputChannel, output);
    assert.equal(client.clientOptions.traceOutputChannel, trace);
    assert.match(output.lines.join('\n'), new RegExp(`Starting ${server} \\(from PATH\\)`));

    // Every contributed command is registered, and nothing else.
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual([...state.commands.keys()].sort(), contributed);
    assert.deepEqual(Object.values(ext.COMMANDS).sort(), contributed);
    assert.equal(state.messages.length, 0);
  });

  test('without a server binary: no client, a clear error that leads to the setting', async () => {
    const { ext, state, context } = setup();
    state.errorChoice = 'Open Settings';
    await ext.activate(context as never);
    await new Promise((r) => setImmediate(r));

    assert.equal(FakeLanguageClient.instances.length, 0);
    const [error] = state.messages;
    assert.equal(error.level, 'error');
    assert.match(error.text, /Cannot find the clerk-core2-lsp language server/);
    assert.match(error.text, /clerkCore2\.server\.path/);
    assert.deepEqual(error.items, ['Open Settings', 'Show Output']);
    assert.deepEqual(state.executed, [{ command: 'workbench.action.openSettings', args: ['clerkCore2.server.path'] }]);
    assert.match(state.channels[0].lines.join('\n'), /Looked at:[\s\S]*ext\/server\/clerk-core2-lsp/);
  });

  test('the bundled binary is used when present', async () => {
    const bundled = executable('ext/server/clerk-core2-lsp');
    executable('bin/clerk-core2-lsp');
    const { ext, context } = setup();
    await ext.activate(context as never);
    assert.equal(FakeLanguageClient.instances[0].serverOptions.command, bundled);
  });

  test('a server that fails to start is reported, and activation still succeeds', async () => {
    executable('bin/clerk-core2-lsp');
    const { ext, state, context } = setup();
    FakeLanguageClient.behaviour.startError = new Error('spawn EACCES');
    await ext.activate(context as never);
    assert.match(state.channels[0].lines.join('\n'), /clerk-core2-lsp failed to start: Error: spawn EACCES/);
    // The client library itself notifies the user; a second popup would be noise.
    assert.deepEqual(state.messages, []);
  });
});

describe('commands and settings', () => {
  test('restart disposes the old client before starting a new one', async () => {
    executable('bin/clerk-core2-lsp');
    const { ext, state, context } = setup();
    await ext.activate(context as never);
    const first = FakeLanguageClient.instances[0];

    await state.commands.get('clerkCore2.restartServer')!();
    assert.equal(FakeLanguageClient.instances.length, 2);
    assert.equal(first.disposed, 2000);
    assert.equal(FakeLanguageClient.instances[1].isRunning(), true);
    assert.equal(state.channels[0].disposed, false, 'the output channel survives restarts');
  });

  test('changing rules or scope notifies the server; changing the server path restarts it', async () => {
    executable('bin/clerk-core2-lsp');
    const other = executable('other/clerk-core2-lsp');
    const { ext, changeConfig, context } = setup();
    await ext.activate(context as never);
    const first = FakeLanguageClient.instances[0];

    await changeConfig({ 'clerkCore2.rules': { 'api-key-option': 'off' } });
    assert.deepEqual(first.notifications, [
      {
        method: 'workspace/didChangeConfiguration',
        params: { settings: { clerkCore2: { rules: { 'api-key-option': 'off' }, scope: 'clerkFiles' } } },
      },
    ]);
    assert.equal(FakeLanguageClient.instances.length, 1);

    await changeConfig({ 'clerkCore2.server.path': other });
    assert.equal(FakeLanguageClient.instances.length, 2);
    assert.ok(first.disposed);
    assert.equal(FakeLanguageClient.instances[1].serverOptions.command, other);
  });

  test('fix all falls back to preferred quick fixes and applies them as one edit', async () => {
    executable('bin/clerk-core2-lsp');
    const { ext, state, context } = setup();
    await ext.activate(context as never);
    const client = FakeLanguageClient.instances[0];
    const doc = uri('/p/a.ts');
    const range = { start: { line: 1, character: 29 }, end: { line: 1, character: 35 } };
    const diagnostic = { range, source: 'clerk-core2', code: 'api-key-option', message: 'm' };
    state.diagnostics.set(doc.toString(), [diagnostic, { ...diagnostic, source: 'ts' }]);
    state.activeTextEditor = {
      document: { uri: doc, lineCount: 3, validateRange: (r: Range) => r },
    };
    FakeLanguageClient.behaviour.onRequest = (method, params) => {
      assert.equal(method, 'textDocument/codeAction');
      const only = (params as { context: { only: string[] } }).context.only;
      if (only[0] !== 'quickfix') {
        return null;
      }
      return [
        {
          title: 'Rename `apiKey` to `secretKey`',
          kind: 'quickfix',
          isPreferred: true,
          diagnostics: [diagnostic],
          edit: { changes: { [doc.toString()]: [{ range, newText: 'secretKey' }] } },
        },
      ];
    };

    const applied = await state.commands.get('clerkCore2.fixAll')!();
    assert.equal(applied, 1);
    assert.deepEqual(
      client.requests.map((r) => (r.params as { context: { only: string[] } }).context.only),
      [['source.fixAll.clerk-core2'], ['quickfix']],
    );
    assert.deepEqual(state.appliedEdits, [
      { converted: { changes: { [doc.toString()]: [{ range, newText: 'secretKey' }] } } },
    ]);
  });

  test('deactivate stops the server', async () => {
    executable('bin/clerk-core2-lsp');
    const { ext, context } = setup();
    await ext.activate(context as never);
    await ext.deactivate();
    assert.equal(FakeLanguageClient.instances[0].isRunning(), false);
    assert.ok(FakeLanguageClient.instances[0].disposed);
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { computeFixAll, FIX_ALL_KIND, SOURCE } from '../src/fixAll';
import { realClientCapabilities } from './clientCapabilities';
import { serverBinary } from './server';

const CORE1 = `import { createClerkClient } from '@clerk/clerk-sdk-node';
const clerk = createClerkClient({ apiKey: 'sk_test_x' });
`;

const TWO_FIXES = `import { clerkClient } from '@clerk/clerk-sdk-node/esm/instance';
import { createClerkClient } from '@clerk/clerk-sdk-node';
export const clerk = createClerkClient({ apiKey: 'sk_test_x' });
`;

const TIMEOUT = 10_000;

/**
 * Drives the server the way the extension's client does. With VS Code's
 * capabilities the server offers pull diagnostics, so diagnostics are
 * requested (`textDocument/diagnostic`) rather than waited for.
 */
class Session {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: ProtocolConnection;
  /** Methods of the requests the server sent us, in order. */
  readonly serverRequests: string[] = [];
  private waiters: (() => void)[] = [];
  stderr = '';
  readonly docs = new Map<string, TextDocument>();

  constructor(binary: string) {
    this.proc = spawn(binary, ['--stdio'], { stdio: 'pipe', env: { ...process.env, CLERK_CORE2_LOG: 'warn' } });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.conn = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    // Registrations, progress and refresh requests: accepted, as VS Code does.
    for (const method of [
      'client/registerCapability',
      'client/unregisterCapability',
      'window/workDoneProgress/create',
      'workspace/diagnostic/refresh',
    ]) {
      this.conn.onRequest(method, () => {
        this.serverRequests.push(method);
        for (const w of this.waiters.splice(0)) {
          w();
        }
        return null;
      });
    }
    this.conn.listen();
  }

  /** Resolves once the server has sent a request with this method `count` times. */
  async serverRequest(method: string, count: number): Promise<void> {
    const deadline = Date.now() + TIMEOUT;
    while (this.serverRequests.filter((m) => m === method).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${method}; got ${JSON.stringify(this.serverRequests)}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(report.kind, 'full', 'no previous result id was sent, so the report is full');
    return report.kind === 'full' ? report.items : [];
  }

  open(file: string, languageId: string, text: string): string {
    const uri = pathToFileURL(file).toString();
    this.docs.set(uri, TextDocument.create(uri, languageId, 1, text));
    void this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Applies a WorkspaceEdit locally and syncs it incrementally, as an editor does. */
  apply(edit: WorkspaceEdit): TextDocument {
    const byUri = new Map<string, { version: number | null | undefined; edits: TextEdit[] }>();
    for (const change of edit.documentChanges ?? []) {
      assert.ok('textDocument' in change, 'only text edits are expected');
      byUri.set(change.textDocument.uri, { version: change.textDocument.version, edits: change.edits });
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      byUri.set(uri, { version: undefined, edits });
    }
    assert.equal(byUri.size, 1, 'a fix touches one document');
    const [[uri, { version, edits }]] = [...byUri];
    const doc = this.docs.get(uri);
    assert.ok(doc, `edit for a document that is not open: ${uri}`);
    if (typeof version === 'number') {
      assert.equal(version, doc.version, 'the edit was made for the current version');
    }
    const text = TextDocument.applyEdits(doc, edits);
    const next = TextDocument.create(uri, doc.languageId, doc.version + 1, text);
    this.docs.set(uri, next);
    // Bottom-up, so each range still refers to the text the server holds.
    const changes = [...edits]
      .sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start))
      .map((e) => ({ range: e.range, text: e.newText }));
    void this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: next.version },
      contentChanges: changes,
    });
    return next;
  }

  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.on('exit', (code) => resolve(code)));
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}

describe('protocol round trip with the real server', () => {
  let s: Session;
  let dir: string;
  let init: InitializeResult;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clerk-core2-proto-'));
    s = new Session(serverBinary());
    init = await s.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      rootUri: pathToFileURL(dir).toString(),
      workspaceFolders: null,
      // Exactly what the extension's client announces.
      capabilities: realClientCapabilities(),
      initializationOptions: { clerkCore2: { rules: {}, scope: 'clerkFiles' } },
    });
    await s.conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    if (s.proc.exitCode === null) {
      s.proc.kill();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('initialize: utf-16 for VS Code, incremental sync, hover, quick fix and fix-all kinds', () => {
    const caps = init.capabilities;
    assert.equal(caps.positionEncoding, 'utf-16');
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(caps.hoverProvider, true);
    const kinds = (caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('quickfix') && kinds.includes(FIX_ALL_KIND), JSON.stringify(kinds));
    assert.equal(init.serverInfo?.name, 'clerk-core2-lsp');
    // VS Code's client can pull, so the server offers it.
    assert.deepEqual(caps.diagnosticProvider, {
      identifier: SOURCE,
      interFileDependencies: false,
      workspaceDiagnostics: true,
    });
  });

  test('open a Core 1 file, get the diagnostic, apply its quick fix, see it cleared', async () => {
    const uri = s.open(path.join(dir, 'client.ts'), 'typescript', CORE1);
    const diags = await s.diagnostics(uri);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const [d] = diags;
    assert.equal(d.source, SOURCE);
    assert.equal(d.code, 'api-key-option');
    assert.equal(d.severity, 1);
    const col = CORE1.split('\n')[1].indexOf('apiKey');
    assert.deepEqual(d.range, { start: { line: 1, character: col }, end: { line: 1, character: col + 6 } });
    assert.match(d.codeDescription?.href ?? '', /^https:\/\/clerk\.com\/docs\//);

    const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: d.range.start });
    assert.match(JSON.stringify(hover?.contents), /secretKey/);

    const actions = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'], triggerKind: 1 },
    })) as CodeAction[];
    assert.equal(actions?.length, 1, JSON.stringify(actions));
    const [fix] = actions;
    assert.equal(fix.title, 'Rename `apiKey` to `secretKey`');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit);

    const doc = s.apply(fix.edit);
    assert.equal(doc.getText(), CORE1.replace('apiKey', 'secretKey'));
    assert.deepEqual(await s.diagnostics(uri), []);
  });

  test('the fix-all command logic fixes every finding in one edit', async () => {
    const uri = s.open(path.join(dir, 'two.ts'), 'typescript', TWO_FIXES);
    const diags = await s.diagnostics(uri);
    assert.deepEqual(diags.map((d) => d.code).sort(), ['api-key-option', 'instance-import-path']);

    const lines = TWO_FIXES.split('\n').length;
    const result = await computeFixAll(
      async (params) => s.conn.sendRequest(CodeActionRequest.type, params),
      uri,
      { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
      diags,
    );
    assert.ok(result.edit, 'an edit');
    assert.equal(result.edits, 2);
    const doc = s.apply(result.edit);
    assert.equal(
      doc.getText(),
      TWO_FIXES.replace('@clerk/clerk-sdk-node/esm/instance', '@clerk/clerk-sdk-node').replace('apiKey', 'secretKey'),
    );
    assert.deepEqual(await s.diagnostics(uri), []);
  });

  test('turning a rule off through didChangeConfiguration withdraws its diagnostics', async () => {
    const uri = s.open(path.join(dir, 'settings.ts'), 'typescript', CORE1);
    assert.equal((await s.diagnostics(uri)).length, 1);
    const refreshes = s.serverRequests.filter((m) => m === 'workspace/diagnostic/refresh').length;
    await s.conn.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { clerkCore2: { rules: { 'api-key-option': 'off' }, scope: 'clerkFiles' } },
    });
    // The server asks the editor to pull again; then the finding is gone.
    await s.serverRequest('workspace/diagnostic/refresh', refreshes + 1);
    assert.deepEqual(await s.diagnostics(uri), []);
  });

  test('shutdown and exit end the server with status 0', async () => {
    assert.equal(await s.close(), 0);
  });
});

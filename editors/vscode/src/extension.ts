import * as vscode from 'vscode';
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  LanguageClient,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import { computeFixAll, SOURCE } from './fixAll';
import { resolveServer, SERVER_PATH_SETTING, type ServerFound } from './serverPath';
import { serverSettings, SETTINGS_SECTION } from './settings';

/** Also the prefix `vscode-languageclient` reads `trace.server` under. */
export const CLIENT_ID = 'clerkCore2';
export const CLIENT_NAME = 'Clerk Core 2';

export const COMMANDS = {
  restart: 'clerkCore2.restartServer',
  fixAll: 'clerkCore2.fixAll',
  showOutput: 'clerkCore2.showOutput',
} as const;

export const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'] as const;

/**
 * Only real files and unsaved buffers: diff views and other virtual
 * documents of the same file would repeat its diagnostics. `.env` files and
 * `package.json` go by file name because their language id depends on which
 * other extensions are installed; the server ignores them until it has rules
 * for them.
 */
export const documentSelector: DocumentSelector = [
  ...LANGUAGES.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]),
  { scheme: 'file', pattern: '**/.env' },
  { scheme: 'file', pattern: '**/.env.*' },
  { scheme: 'file', pattern: '**/package.json' },
];

function clientOptions(output: vscode.OutputChannel, trace: vscode.OutputChannel): LanguageClientOptions {
  return {
    documentSelector,
    initializationOptions: { [SETTINGS_SECTION]: serverSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION)) },
    outputChannel: output,
    traceOutputChannel: trace,
    diagnosticCollectionName: SOURCE,
  };
}

export function serverOptions(server: ServerFound): ServerOptions {
  // TransportKind.stdio appends `--stdio`, which the server accepts.
  return { command: server.path, args: [], transport: TransportKind.stdio };
}

/** Owns the running client so restarts replace it cleanly. */
export class ClerkCore2 {
  client: LanguageClient | undefined;
  readonly output: vscode.OutputChannel;
  readonly trace: vscode.OutputChannel;
  /** Serialises starts and stops so two quick restarts cannot overlap. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel(CLIENT_NAME);
    this.trace = vscode.window.createOutputChannel(`${CLIENT_NAME} (trace)`);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopNow();
      await this.startNow();
    });
  }

  private async startNow(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const found = resolveServer({
      configured: config.get<string | null>('server.path'),
      extensionPath: this.context.extensionPath,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      env: process.env,
      platform: process.platform,
    });
    if ('error' in found) {
      this.output.appendLine(found.error);
      this.output.appendLine(`Looked at:\n  ${found.tried.join('\n  ')}`);
      void this.reportMissing(found.error);
      return;
    }
    this.output.appendLine(`Starting ${found.path} (from ${describe(found.source)})`);
    const client = new LanguageClient(
      CLIENT_ID,
      CLIENT_NAME,
      serverOptions(found),
      clientOptions(this.output, this.trace),
    );
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      // The client has already shown a notification that leads here.
      this.output.appendLine(`${found.path} failed to start: ${String(e)}`);
    }
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) {
      return;
    }
    try {
      // dispose() stops the server (shutdown, exit) and frees the client's
      // registrations; the output channels are ours and stay.
      await client.dispose(2000);
    } catch (e) {
      this.output.appendLine(`Stopping the server: ${String(e)}`);
    }
  }

  private async reportMissing(error: string): Promise<void> {
    const openSettings = 'Open Settings';
    const showOutput = 'Show Output';
    const choice = await vscode.window.showErrorMessage(`${CLIENT_NAME}: ${error}`, openSettings, showOutput);
    if (choice === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
    } else if (choice === showOutput) {
      this.output.show(true);
    }
  }

  /** Sends the rule and scope settings to the running server. */
  async sendSettings(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) {
      return;
    }
    const settings = serverSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION));
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SETTINGS_SECTION]: settings },
    });
  }

  onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (e.affectsConfiguration(`${SETTINGS_SECTION}.server`)) {
      return this.restart();
    }
    if (e.affectsConfiguration(`${SETTINGS_SECTION}.rules`) || e.affectsConfiguration(`${SETTINGS_SECTION}.scope`)) {
      return this.sendSettings();
    }
    return Promise.resolve();
  }

  /** Applies every automatic fix the server has for the active document. */
  async fixAll(): Promise<number> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client;
    if (!editor) {
      void vscode.window.showInformationMessage(`${CLIENT_NAME}: open a file to fix.`);
      return 0;
    }
    if (!client?.isRunning()) {
      void vscode.window.showWarningMessage(`${CLIENT_NAME}: the server is not running.`);
      return 0;
    }
    const doc = editor.document;
    const c2p = client.code2ProtocolConverter;
    const ours = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SOURCE);
    const result = await computeFixAll(
      (params) => client.sendRequest(CodeActionRequest.type, params),
      c2p.asUri(doc.uri),
      c2p.asRange(doc.validateRange(new vscode.Range(0, 0, doc.lineCount, 0))),
      await c2p.asDiagnostics(ours),
    );
    if (!result.edit) {
      void vscode.window.showInformationMessage(`${CLIENT_NAME}: nothing to fix automatically.`);
      return 0;
    }
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showWarningMessage(
        `${CLIENT_NAME}: the fixes no longer match the document; run the command again.`,
      );
      return 0;
    }
    return result.edits;
  }
}

function describe(source: ServerFound['source']): string {
  switch (source) {
    case 'setting':
      return SERVER_PATH_SETTING;
    case 'bundled':
      return 'the extension';
    case 'path':
      return 'PATH';
  }
}

let instance: ClerkCore2 | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ClerkCore2> {
  const ext = new ClerkCore2(context);
  instance = ext;
  context.subscriptions.push(
    ext.output,
    ext.trace,
    vscode.commands.registerCommand(COMMANDS.restart, () => ext.restart()),
    vscode.commands.registerCommand(COMMANDS.fixAll, () => ext.fixAll()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => ext.output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) =>
      ext.onConfigurationChanged(e).catch((err) => ext.output.appendLine(`Applying settings: ${String(err)}`)),
    ),
  );
  await ext.start();
  return ext;
}

export async function deactivate(): Promise<void> {
  const ext = instance;
  instance = undefined;
  await ext?.stop();
}

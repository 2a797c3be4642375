import * as protocol from 'vscode-languageserver-protocol';

/** Mirrors `vscode-languageclient/node`'s enum, which needs a real editor to load. */
export enum TransportKind {
  stdio = 0,
  ipc = 1,
  pipe = 2,
  socket = 3,
}

export interface ClientBehaviour {
  /** Rejects `start()` with this error when set. */
  startError?: Error;
  /** Answers `sendRequest`. */
  onRequest?: (method: string, params: unknown) => unknown;
}

export class FakeLanguageClient {
  static instances: FakeLanguageClient[] = [];
  static behaviour: ClientBehaviour = {};

  running = false;
  started = 0;
  disposed: number | undefined;
  notifications: { method: string; params: unknown }[] = [];
  requests: { method: string; params: unknown }[] = [];

  readonly code2ProtocolConverter = {
    asUri: (u: { toString(): string }) => u.toString(),
    asRange: (r: { startLine: number; startCharacter: number; endLine: number; endCharacter: number }) => ({
      start: { line: r.startLine, character: r.startCharacter },
      end: { line: r.endLine, character: r.endCharacter },
    }),
    asDiagnostics: async (d: unknown[]) => d,
  };
  readonly protocol2CodeConverter = {
    asWorkspaceEdit: async (e: unknown) => ({ converted: e }),
  };

  constructor(
    public readonly id: string,
    public readonly name: string,
    public readonly serverOptions: { command: string; args: string[]; transport: TransportKind },
    public readonly clientOptions: Record<string, unknown>,
  ) {
    FakeLanguageClient.instances.push(this);
  }

  async start(): Promise<void> {
    this.started++;
    if (FakeLanguageClient.behaviour.startError) {
      throw FakeLanguageClient.behaviour.startError;
    }
    this.running = true;
  }

  isRunning(): boolean {
    return this.running;
  }

  async dispose(timeout?: number): Promise<void> {
    this.running = false;
    this.disposed = timeout ?? -1;
  }

  async sendNotification(type: { method: string }, params: unknown): Promise<void> {
    this.notifications.push({ method: type.method, params });
  }

  async sendRequest(type: { method: string }, params: unknown): Promise<unknown> {
    this.requests.push({ method: type.method, params });
    return FakeLanguageClient.behaviour.onRequest?.(type.method, params) ?? null;
  }
}

export function createLanguageClientModule() {
  FakeLanguageClient.instances = [];
  FakeLanguageClient.behaviour = {};
  return {
    ...protocol,
    TransportKind,
    LanguageClient: FakeLanguageClient,
  };
}

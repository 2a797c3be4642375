/**
 * Just enough of the `vscode` API for the extension's own code, recording
 * what the extension did with it.
 */
export interface FakeOutputChannel {
  name: string;
  lines: string[];
  shown: number;
  disposed: boolean;
  appendLine(line: string): void;
  append(text: string): void;
  show(preserveFocus?: boolean): void;
  clear(): void;
  hide(): void;
  dispose(): void;
}

export interface FakeUri {
  fsPath: string;
  toString(): string;
}

export class Range {
  constructor(
    public readonly startLine: number,
    public readonly startCharacter: number,
    public readonly endLine: number,
    public readonly endCharacter: number,
  ) {}
}

export interface VscodeState {
  config: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  executed: { command: string; args: unknown[] }[];
  messages: { level: 'error' | 'warning' | 'info'; text: string; items: string[] }[];
  /** What the user clicks on the next error message. */
  errorChoice: string | undefined;
  channels: FakeOutputChannel[];
  configListeners: ((e: { affectsConfiguration(section: string): boolean }) => unknown)[];
  activeTextEditor: unknown;
  diagnostics: Map<string, unknown[]>;
  appliedEdits: unknown[];
  applyEditResult: boolean;
  workspaceFolders: { uri: FakeUri }[] | undefined;
}

export function uri(fsPath: string): FakeUri {
  return { fsPath, toString: () => `file://${fsPath}` };
}

export function createVscode(config: Record<string, unknown> = {}) {
  const state: VscodeState = {
    config,
    commands: new Map(),
    executed: [],
    messages: [],
    errorChoice: undefined,
    channels: [],
    configListeners: [],
    activeTextEditor: undefined,
    diagnostics: new Map(),
    appliedEdits: [],
    applyEditResult: true,
    workspaceFolders: undefined,
  };
  const message =
    (level: 'error' | 'warning' | 'info') =>
    (text: string, ...items: string[]): Promise<string | undefined> => {
      state.messages.push({ level, text, items });
      return Promise.resolve(level === 'error' ? state.errorChoice : undefined);
    };
  const vscode = {
    Range,
    window: {
      createOutputChannel(name: string): FakeOutputChannel {
        const ch: FakeOutputChannel = {
          name,
          lines: [],
          shown: 0,
          disposed: false,
          appendLine(line) {
            this.lines.push(line);
          },
          append(text) {
            this.lines.push(text);
          },
          show() {
            this.shown++;
          },
          clear() {
            this.lines = [];
          },
          hide() {},
          dispose() {
            this.disposed = true;
          },
        };
        state.channels.push(ch);
        return ch;
      },
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      get activeTextEditor() {
        return state.activeTextEditor;
      },
    },
    commands: {
      registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
        if (state.commands.has(id)) {
          throw new Error(`command ${id} registered twice`);
        }
        state.commands.set(id, fn);
        return { dispose: () => state.commands.delete(id) };
      },
      executeCommand(command: string, ...args: unknown[]) {
        state.executed.push({ command, args });
        const fn = state.commands.get(command);
        return Promise.resolve(fn ? fn(...args) : undefined);
      },
    },
    workspace: {
      getConfiguration(section: string) {
        return {
          get<T>(key: string, fallback?: T): T | undefined {
            const full = `${section}.${key}`;
            return full in state.config ? (state.config[full] as T) : fallback;
          },
        };
      },
      onDidChangeConfiguration(fn: VscodeState['configListeners'][number]) {
        state.configListeners.push(fn);
        return { dispose: () => undefined };
      },
      get workspaceFolders() {
        return state.workspaceFolders;
      },
      applyEdit(edit: unknown) {
        state.appliedEdits.push(edit);
        return Promise.resolve(state.applyEditResult);
      },
    },
    languages: {
      getDiagnostics(u: FakeUri) {
        return state.diagnostics.get(u.toString()) ?? [];
      },
    },
  };
  /** Changes settings and fires the change event the way VS Code does. */
  async function changeConfig(changes: Record<string, unknown>): Promise<void> {
    Object.assign(state.config, changes);
    const keys = Object.keys(changes);
    const event = {
      affectsConfiguration: (section: string) =>
        keys.some((k) => k === section || k.startsWith(`${section}.`) || section.startsWith(`${k}.`)),
    };
    await Promise.all(state.configListeners.map((fn) => fn(event)));
  }
  return { vscode, state, changeConfig };
}

export function fakeContext(extensionPath: string) {
  return { extensionPath, subscriptions: [] as { dispose(): unknown }[] };
}

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const item of items) {
        item.dispose();
      }
    });
  }

  constructor(private readonly onDispose: () => unknown) {}

  dispose(): void {
    this.onDispose();
  }
}

/**
 * A stand-in for any part of the API the extension itself does not use:
 * callable, constructible, and every property is another stand-in.
 * vscode-languageclient touches dozens of such parts while it starts.
 */
function anything(name: string): unknown {
  const fn = function () {
    return anything(`${name}()`);
  };
  return new Proxy(fn, {
    get(target, p) {
      if (p === Symbol.toPrimitive) {
        return () => name;
      }
      if (p === 'then') {
        return undefined; // not a promise
      }
      if (p === Symbol.iterator) {
        return function* () {};
      }
      const t = target as unknown as Record<PropertyKey, unknown>;
      if (!(p in t)) {
        t[p] = anything(`${name}.${String(p)}`);
      }
      return t[p];
    },
    construct() {
      return anything(`new ${name}`) as object;
    },
  });
}

function permissive<T extends object>(obj: T, name: string): T {
  return new Proxy(obj, {
    get(t, p) {
      if (p in t) {
        const v = (t as Record<PropertyKey, unknown>)[p];
        return v && typeof v === 'object' ? permissive(v, `${name}.${String(p)}`) : v;
      }
      if (typeof p === 'symbol' || p === 'then' || p === '__esModule') {
        return undefined;
      }
      return anything(`${name}.${String(p)}`);
    },
  });
}

/**
 * The recording stub, widened so the real vscode-languageclient can run on
 * it: what the extension uses is recorded as usual, the rest is inert.
 */
export function createPermissiveVscode(config: Record<string, unknown> = {}) {
  const made = createVscode(config);
  const vscode = Object.assign(made.vscode, {
    // Real, so that disposing the client really stops its timers (the
    // workspace diagnostics pull re-arms itself until disposed).
    Disposable,
    // The client refuses to run on an editor it does not recognise.
    version: '1.82.0',
    // Sent as clientInfo, whose `name` the protocol requires.
    env: { appName: 'Visual Studio Code', language: 'en' },
  });
  return { ...made, vscode: permissive(vscode, 'vscode') };
}

import Module from 'node:module';
import * as path from 'node:path';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

const M = Module as unknown as { _load: Loader };
const original = M._load;
let current: Record<string, unknown> = {};

M._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  if (Object.prototype.hasOwnProperty.call(current, request)) {
    return current[request];
  }
  return original.call(this, request, parent, isMain);
};

const SRC = path.resolve(__dirname, '..', '..', 'src');
// The client library keeps the `vscode` module it first saw.
const CLIENT_LIB = path.dirname(require.resolve('vscode-languageclient/package.json'));

/**
 * Answers `require(name)` with `stubs[name]` from now on, and forgets the
 * modules that may hold on to earlier stubs, so no state leaks between tests.
 */
function useStubs(stubs: Record<string, unknown>): void {
  current = stubs;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(SRC + path.sep) || key.startsWith(CLIENT_LIB + path.sep)) {
      delete require.cache[key];
    }
  }
}

/** A fresh copy of the compiled extension, with its imports answered by `stubs` where given. */
export function loadWithStubs<T>(stubs: Record<string, unknown>, file = 'extension'): T {
  useStubs(stubs);
  return require(path.join(SRC, file)) as T;
}

/** The real `vscode-languageclient/node`, bound to the given `vscode` stub. */
export function realLanguageClient(vscode: unknown): typeof import('vscode-languageclient/node') {
  useStubs({ vscode });
  return require('vscode-languageclient/node');
}

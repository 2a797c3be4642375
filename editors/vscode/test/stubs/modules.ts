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

/**
 * Loads a fresh copy of the compiled extension with `require('vscode')` and
 * friends answered by `stubs`, so module-level state never leaks between
 * tests.
 */
export function loadWithStubs<T>(stubs: Record<string, unknown>, file = 'extension'): T {
  current = stubs;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(SRC + path.sep)) {
      delete require.cache[key];
    }
  }
  return require(path.join(SRC, file)) as T;
}

import type { ClientCapabilities } from 'vscode-languageserver-protocol';

import { realLanguageClient } from './stubs/modules';
import { createPermissiveVscode } from './stubs/vscode';

/** The capabilities vscode-languageclient announces in `initialize`. */
export function realClientCapabilities(): ClientCapabilities {
  const { vscode } = createPermissiveVscode();
  const { LanguageClient } = realLanguageClient(vscode);
  const client = new LanguageClient('probe', 'probe', { command: 'unused' }, {});
  // Private, but it is exactly what `start()` sends; the version is pinned.
  return (client as unknown as { computeClientCapabilities(): ClientCapabilities }).computeClientCapabilities();
}

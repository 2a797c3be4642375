import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * The real server: `CLERK_CORE2_LSP` if set, else the release build, else
 * the debug build. Missing is a test failure, not a skip: these tests exist
 * to prove the extension talks to the real thing.
 */
export function serverBinary(): string {
  const candidates = [
    process.env.CLERK_CORE2_LSP,
    path.join(REPO, 'target', 'release', 'clerk-core2-lsp'),
    path.join(REPO, 'target', 'debug', 'clerk-core2-lsp'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `clerk-core2-lsp not found (looked at ${candidates.join(', ')}): run \`cargo build --release\` at the repository root or set CLERK_CORE2_LSP`,
    );
  }
  return found;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SERVER_PATH_SETTING = 'clerkCore2.server.path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ServerFound {
  path: string;
  source: ServerSource;
}

export interface ServerMissing {
  error: string;
  /** Every place that was looked at, for the output channel. */
  tried: string[];
}

export interface ResolveInput {
  /** The value of `clerkCore2.server.path`, if any. */
  configured?: string | null;
  /** Root of the installed extension; a packaged build has `server/` in it. */
  extensionPath: string;
  /** Base for a relative `clerkCore2.server.path`. */
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

export function binaryName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'clerk-core2-lsp.exe' : 'clerk-core2-lsp';
}

export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return path.join(extensionPath, 'server', binaryName(platform));
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(env.HOME ?? env.USERPROFILE ?? os.homedir(), p.slice(1));
  }
  return p;
}

/**
 * Finds the server binary: the user's setting wins, then the binary shipped
 * inside the extension, then `clerk-core2-lsp` on PATH.
 *
 * A setting that points nowhere is an error rather than a reason to fall back:
 * silently running some other build would hide the user's mistake.
 */
export function resolveServer(input: ResolveInput): ServerFound | ServerMissing {
  const { platform, env } = input;
  const tried: string[] = [];

  const configured = input.configured?.trim();
  if (configured) {
    let p = expandHome(configured, env);
    if (!path.isAbsolute(p) && input.workspaceFolder) {
      p = path.resolve(input.workspaceFolder, p);
    }
    if (isExecutableFile(p, platform)) {
      return { path: p, source: 'setting' };
    }
    return {
      error: `The setting ${SERVER_PATH_SETTING} is "${configured}", but ${p} is not an executable file.`,
      tried: [p],
    };
  }

  const bundled = bundledServerPath(input.extensionPath, platform);
  tried.push(bundled);
  if (fs.existsSync(bundled)) {
    if (platform !== 'win32' && !isExecutableFile(bundled, platform)) {
      // Some unzip paths drop the execute bit; restoring it is harmless.
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        // Reported below as not found if it still cannot run.
      }
    }
    if (isExecutableFile(bundled, platform)) {
      return { path: bundled, source: 'bundled' };
    }
  }

  const name = binaryName(platform);
  const searchPath = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const delimiter = platform === 'win32' ? ';' : ':';
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(expandHome(dir, env), name);
    tried.push(candidate);
    if (isExecutableFile(candidate, platform)) {
      return { path: candidate, source: 'path' };
    }
  }

  return {
    error:
      `Cannot find the ${name} language server. Set ${SERVER_PATH_SETTING} to its path, ` +
      `install a build of this extension that bundles it, or put ${name} on your PATH ` +
      '(cargo install --path . in the clerk-core2-lsp repository puts it in ~/.cargo/bin).',
    tried,
  };
}

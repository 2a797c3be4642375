// Puts a server binary into server/ and packages a platform-specific .vsix.
//
//   node scripts/package.mjs [--target linux-x64] [--binary PATH] [--out FILE]
//
// Defaults: the target of this machine and the repository's release build.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(ext, '..', '..');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const target = arg('--target') ?? `${process.platform}-${process.arch}`;
const windows = target.startsWith('win32-');
const exe = windows ? 'clerk-core2-lsp.exe' : 'clerk-core2-lsp';
const binary = path.resolve(arg('--binary') ?? path.join(repo, 'target', 'release', exe));
const { version } = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
const out = path.resolve(arg('--out') ?? path.join(ext, `clerk-core2-${version}-${target}.vsix`));

if (!fs.existsSync(binary)) {
  console.error(`No server binary at ${binary}: run \`cargo build --release\` at ${repo}, or pass --binary.`);
  process.exit(1);
}

const serverDir = path.join(ext, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(serverDir);
fs.copyFileSync(binary, path.join(serverDir, exe));
fs.chmodSync(path.join(serverDir, exe), 0o755);

const vsce = path.join(ext, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [vsce, 'package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--out', out],
  { cwd: ext, stdio: 'inherit' },
);
console.log(`${out} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`);

// Bundles the extension into one file so the package needs no node_modules.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  // Provided by the editor at run time.
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
});

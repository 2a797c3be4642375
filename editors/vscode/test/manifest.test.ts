import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const EXT = path.resolve(__dirname, '..', '..');
const QUERIES = path.resolve(EXT, '..', '..', 'queries');
const manifest = JSON.parse(fs.readFileSync(path.join(EXT, 'package.json'), 'utf8'));
const props = manifest.contributes.configuration.properties;

/** Rule id -> `title` and `severity` from the server's rule files. */
function serverRules(): Map<string, { title: string; severity: string }> {
  const rules = new Map<string, { title: string; severity: string }>();
  for (const f of fs.readdirSync(QUERIES).filter((f) => f.endsWith('.toml'))) {
    const text = fs.readFileSync(path.join(QUERIES, f), 'utf8');
    const field = (name: string) => text.match(new RegExp(`^${name} = "(.*)"$`, 'm'))?.[1] ?? '';
    rules.set(f.replace(/\.toml$/, ''), { title: field('title'), severity: field('severity') });
  }
  return rules;
}

describe('package.json', () => {
  const rules = serverRules();
  const listed: Record<string, { enum: string[]; markdownDescription: string }> = props['clerkCore2.rules'].properties;

  test('every rule setting names a server rule, with its title and default severity', () => {
    assert.ok(rules.size > 0);
    for (const [id, schema] of Object.entries(listed)) {
      const rule = rules.get(id);
      assert.ok(rule, `clerkCore2.rules lists "${id}", which the server does not have`);
      assert.deepEqual(schema.enum, ['off', 'error', 'warning', 'information', 'hint']);
      assert.equal(schema.markdownDescription, `${rule.title}. Default: \`${rule.severity}\`.`, id);
    }
    assert.deepEqual(props['clerkCore2.rules'].additionalProperties.enum, ['off', 'error', 'warning', 'information', 'hint']);
  });

  // A rule the settings do not list yet still works (additionalProperties),
  // it just lacks a description in the Settings editor.
  const unlisted = [...rules.keys()].filter((id) => !(id in listed));
  test('every server rule has a described setting', { todo: unlisted.length ? `add to clerkCore2.rules: ${unlisted.join(', ')}` : false }, () => {
    assert.deepEqual(unlisted, []);
  });

  test('scope and trace settings match the server and the client id', () => {
    assert.deepEqual(props['clerkCore2.scope'].enum, ['clerkFiles', 'allFiles']);
    assert.equal(props['clerkCore2.scope'].default, 'clerkFiles');
    assert.deepEqual(props['clerkCore2.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(props['clerkCore2.server.path'].type, ['string', 'null']);
  });

  test('activates on the four languages and loads the bundle', () => {
    for (const lang of ['javascript', 'javascriptreact', 'typescript', 'typescriptreact']) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${lang}`), lang);
    }
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(manifest.scripts['vscode:prepublish'], /bundle/);
  });

  test('the package leaves out sources and node_modules but keeps the server', () => {
    const ignore = fs.readFileSync(path.join(EXT, '.vscodeignore'), 'utf8').split('\n');
    for (const p of ['node_modules/**', 'src/**', 'test/**', 'out/**']) {
      assert.ok(ignore.includes(p), `.vscodeignore should list ${p}`);
    }
    assert.ok(!ignore.some((l) => l.startsWith('server')), 'server/ must be packaged');
  });

  test('the README documents fix all on save', () => {
    const readme = fs.readFileSync(path.join(EXT, 'README.md'), 'utf8');
    assert.match(readme, /"editor\.codeActionsOnSave"/);
    assert.match(readme, /"source\.fixAll\.clerk-core2"/);
    for (const setting of Object.keys(props)) {
      assert.ok(readme.includes(setting), `README should describe ${setting}`);
    }
  });
});

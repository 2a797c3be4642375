import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, CodeActionParams, Diagnostic, Range } from 'vscode-languageserver-protocol';

import { computeFixAll, FIX_ALL_KIND, mergeActions } from '../src/fixAll';

const URI = 'file:///p/a.ts';
const r = (l1: number, c1: number, l2: number, c2: number): Range => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});
const diag = (range: Range, source = 'clerk-core2', code = 'api-key-option'): Diagnostic => ({
  range,
  source,
  code,
  message: 'm',
});
const quickfix = (range: Range, newText: string, opts: Partial<CodeAction> = {}): CodeAction => ({
  title: `fix ${newText}`,
  kind: 'quickfix',
  isPreferred: true,
  diagnostics: [diag(range)],
  edit: { documentChanges: [{ textDocument: { uri: URI, version: 3 }, edits: [{ range, newText }] }] },
  ...opts,
});

describe('mergeActions', () => {
  test('combines edits of several actions into one versioned edit, in document order', () => {
    const m = mergeActions(URI, [quickfix(r(5, 0, 5, 3), 'b'), quickfix(r(1, 0, 1, 3), 'a')]);
    assert.deepEqual(m, {
      edits: 2,
      edit: {
        documentChanges: [
          {
            textDocument: { uri: URI, version: 3 },
            edits: [
              { range: r(1, 0, 1, 3), newText: 'a' },
              { range: r(5, 0, 5, 3), newText: 'b' },
            ],
          },
        ],
      },
    });
  });

  test('drops duplicates and edits overlapping one already taken', () => {
    const m = mergeActions(URI, [
      quickfix(r(1, 0, 1, 6), 'x'),
      quickfix(r(1, 0, 1, 6), 'x'),
      quickfix(r(1, 4, 1, 8), 'y'),
      quickfix(r(1, 6, 1, 7), 'z'),
    ]);
    assert.equal(m?.edits, 2);
    const edits = m?.edit.documentChanges?.[0];
    assert.ok(edits && 'edits' in edits);
    assert.deepEqual(
      edits.edits.map((e) => e.newText),
      ['x', 'z'],
    );
  });

  test('keeps the plain `changes` form when the server sent no version', () => {
    const action: CodeAction = { title: 't', kind: 'quickfix', edit: { changes: { [URI]: [{ range: r(0, 0, 0, 1), newText: 'q' }] } } };
    assert.deepEqual(mergeActions(URI, [action])?.edit, { changes: { [URI]: [{ range: r(0, 0, 0, 1), newText: 'q' }] } });
  });

  test('ignores actions that touch other files or have no edit', () => {
    const other: CodeAction = { title: 't', edit: { changes: { 'file:///p/b.ts': [{ range: r(0, 0, 0, 1), newText: 'q' }] } } };
    assert.equal(mergeActions(URI, [other, { title: 'no edit' }]), undefined);
  });
});

describe('computeFixAll', () => {
  const whole = r(0, 0, 10, 0);

  test('uses the fix-all action when the server has one', async () => {
    const seen: CodeActionParams[] = [];
    const fixAll: CodeAction = { ...quickfix(r(2, 0, 2, 6), 'secretKey'), kind: FIX_ALL_KIND, isPreferred: undefined };
    const result = await computeFixAll(
      async (p) => {
        seen.push(p);
        return [fixAll];
      },
      URI,
      whole,
      [diag(r(2, 0, 2, 6))],
    );
    assert.equal(result.via, 'fixAll');
    assert.equal(result.edits, 1);
    assert.deepEqual(seen.map((p) => p.context.only), [[FIX_ALL_KIND]]);
  });

  test('falls back to preferred quick fixes for our diagnostics only', async () => {
    const seen: CodeActionParams[] = [];
    const ours = diag(r(2, 0, 2, 6));
    const theirs = diag(r(3, 0, 3, 1), 'ts', '2304');
    const result = await computeFixAll(
      async (p) => {
        seen.push(p);
        if (p.context.only?.[0] === FIX_ALL_KIND) {
          return null;
        }
        return [
          quickfix(r(2, 0, 2, 6), 'secretKey'),
          quickfix(r(4, 0, 4, 1), 'not preferred', { isPreferred: false }),
          quickfix(r(5, 0, 5, 1), 'refactor', { kind: 'refactor.rewrite' }),
          { title: 'a command', command: 'x' },
        ];
      },
      URI,
      whole,
      [ours, theirs],
    );
    assert.equal(result.via, 'quickfix');
    assert.equal(result.edits, 1);
    assert.deepEqual(seen.map((p) => p.context.only), [[FIX_ALL_KIND], ['quickfix']]);
    assert.deepEqual(seen[1].context.diagnostics, [ours]);
  });

  test('no diagnostics of ours and no fix-all action: nothing to do, one request', async () => {
    let calls = 0;
    const result = await computeFixAll(
      async () => {
        calls++;
        return [];
      },
      URI,
      whole,
      [diag(r(0, 0, 0, 1), 'eslint')],
    );
    assert.deepEqual(result, { edit: undefined, via: 'none', edits: 0 });
    assert.equal(calls, 1);
  });
});

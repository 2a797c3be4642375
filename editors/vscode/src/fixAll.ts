import type {
  CodeAction,
  CodeActionParams,
  Command,
  Diagnostic,
  Position,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

export const SOURCE = 'clerk-core2';
export const FIX_ALL_KIND = 'source.fixAll.clerk-core2';
const QUICKFIX_KIND = 'quickfix';
/** `CodeActionTriggerKind.Invoked`: the user asked for it. */
const INVOKED = 1;

export type CodeActionRequester = (
  params: CodeActionParams,
) => Promise<(Command | CodeAction)[] | null | undefined>;

export interface FixAllResult {
  /** One edit for the whole document, or undefined when there is nothing to do. */
  edit: WorkspaceEdit | undefined;
  /** Which kind of code action produced it. */
  via: 'fixAll' | 'quickfix' | 'none';
  /** How many text edits went into `edit`. */
  edits: number;
}

function isCodeAction(a: Command | CodeAction): a is CodeAction {
  // A bare Command has a string `command`; a CodeAction never does.
  return typeof (a as Command).command !== 'string';
}

function kindMatches(kind: string | undefined, wanted: string): boolean {
  return kind !== undefined && (kind === wanted || kind.startsWith(`${wanted}.`));
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

interface Collected {
  uri: string;
  version: number | null | undefined;
  edits: TextEdit[];
}

/** The text edits of `edit` for `uri`, in either WorkspaceEdit form. */
function editsFor(edit: WorkspaceEdit, uri: string): Collected | undefined {
  if (edit.documentChanges) {
    const out: Collected = { uri, version: undefined, edits: [] };
    for (const change of edit.documentChanges) {
      if (!('textDocument' in change)) {
        // Create, rename or delete file operations cannot be merged safely.
        return undefined;
      }
      if (change.textDocument.uri !== uri) {
        return undefined;
      }
      out.version = change.textDocument.version;
      for (const e of change.edits) {
        out.edits.push({ range: e.range, newText: e.newText });
      }
    }
    return out;
  }
  const edits = edit.changes?.[uri];
  const others = Object.keys(edit.changes ?? {}).filter((k) => k !== uri);
  if (!edits || others.length > 0) {
    return undefined;
  }
  return { uri, version: undefined, edits: [...edits] };
}

/**
 * Merges the edits of several code actions for one document into a single
 * edit that applies atomically. Actions were computed against the same text,
 * so applying them one after another would shift later ranges; instead their
 * edits are combined, and an edit overlapping one already taken is dropped
 * (it comes back as a diagnostic after the first pass).
 */
export function mergeActions(uri: string, actions: CodeAction[]): { edit: WorkspaceEdit; edits: number } | undefined {
  let version: number | null | undefined;
  const all: TextEdit[] = [];
  for (const action of actions) {
    if (!action.edit) {
      continue;
    }
    const c = editsFor(action.edit, uri);
    if (!c) {
      continue;
    }
    version ??= c.version;
    all.push(...c.edits);
  }
  all.sort((a, b) =>
    before(a.range.start, b.range.start) ? -1 : samePosition(a.range.start, b.range.start) ? 0 : 1,
  );
  const taken: TextEdit[] = [];
  for (const e of all) {
    const last = taken[taken.length - 1];
    if (last) {
      const duplicate =
        samePosition(last.range.start, e.range.start) &&
        samePosition(last.range.end, e.range.end) &&
        last.newText === e.newText;
      const overlaps = before(e.range.start, last.range.end) || samePosition(last.range.start, e.range.start);
      if (duplicate || overlaps) {
        continue;
      }
    }
    taken.push(e);
  }
  if (taken.length === 0) {
    return undefined;
  }
  const edit: WorkspaceEdit =
    typeof version === 'number'
      ? { documentChanges: [{ textDocument: { uri, version }, edits: taken }] }
      : { changes: { [uri]: taken } };
  return { edit, edits: taken.length };
}

/**
 * Asks the server for its `source.fixAll.clerk-core2` action first. A server
 * without that action still offers one preferred quick fix per diagnostic, so
 * those are merged instead: the command works with either.
 */
export async function computeFixAll(
  request: CodeActionRequester,
  uri: string,
  range: Range,
  diagnostics: Diagnostic[],
): Promise<FixAllResult> {
  const ours = diagnostics.filter((d) => d.source === SOURCE);

  const fixAll = await request({
    textDocument: { uri },
    range,
    context: { diagnostics: ours, only: [FIX_ALL_KIND], triggerKind: INVOKED },
  });
  const fixAllActions = (fixAll ?? []).filter(isCodeAction).filter((a) => kindMatches(a.kind, FIX_ALL_KIND));
  const merged = mergeActions(uri, fixAllActions);
  if (merged) {
    return { edit: merged.edit, via: 'fixAll', edits: merged.edits };
  }

  if (ours.length === 0) {
    return { edit: undefined, via: 'none', edits: 0 };
  }
  const quick = await request({
    textDocument: { uri },
    range,
    context: { diagnostics: ours, only: [QUICKFIX_KIND], triggerKind: INVOKED },
  });
  const preferred = (quick ?? [])
    .filter(isCodeAction)
    .filter((a) => kindMatches(a.kind, QUICKFIX_KIND) && a.isPreferred === true)
    .filter((a) => (a.diagnostics ?? []).every((d) => d.source === SOURCE));
  const fallback = mergeActions(uri, preferred);
  if (fallback) {
    return { edit: fallback.edit, via: 'quickfix', edits: fallback.edits };
  }
  return { edit: undefined, via: 'none', edits: 0 };
}

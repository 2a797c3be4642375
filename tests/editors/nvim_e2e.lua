-- End-to-end check of editors/nvim/lsp/clerk_core2.lua in a real Neovim:
--
--   PATH="$PWD/target/release:$PATH" nvim --clean --headless -u NONE -l tests/editors/nvim_e2e.lua
--
-- It loads the shipped config from the runtimepath exactly as a user would,
-- opens a Core 1 file, waits for the server's diagnostic, asks for code
-- actions, applies the quick fix and waits for the diagnostic to go away.
-- Every step is printed; any failure exits non-zero with the reason.

local TIMEOUT = 20000
local SOURCE = 'clerk-core2'

local script = debug.getinfo(1, 'S').source:sub(2)
local repo = vim.fn.fnamemodify(script, ':p:h:h:h')
local failed = false

local function say(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

local function lsp_log_tail()
  local path = vim.lsp.get_log_path()
  local ok, lines = pcall(vim.fn.readfile, path)
  if ok and #lines > 0 then
    say('--- last lines of %s ---', path)
    for i = math.max(1, #lines - 20), #lines do
      say('%s', lines[i])
    end
  end
end

local function fail(fmt, ...)
  failed = true
  say('FAIL: ' .. fmt, ...)
  lsp_log_tail()
  os.exit(1)
end

local function check(cond, fmt, ...)
  if not cond then
    fail(fmt, ...)
  end
end

--- Waits for `pred` to return a truthy value and returns it, or fails with `what`.
local function wait_for(what, pred)
  local value
  local ok = vim.wait(TIMEOUT, function()
    value = pred()
    return value ~= nil and value ~= false
  end, 50)
  if not ok then
    fail('timed out after %d ms waiting for %s', TIMEOUT, what)
  end
  return value
end

local function ours(buf)
  return vim.tbl_filter(function(d)
    return d.source == SOURCE
  end, vim.diagnostic.get(buf))
end

local function show(d)
  return string.format('%d:%d-%d:%d [%s] %s', d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, d.code, d.message)
end

local ok, err = xpcall(function()
  vim.lsp.set_log_level('warn')
  say('nvim %s', tostring(vim.version()))

  -- The user's step: the folder holding lsp/clerk_core2.lua goes on the runtimepath.
  vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
  local files = vim.api.nvim_get_runtime_file('lsp/clerk_core2.lua', true)
  say('config file: %s', files[1] or '(none)')
  check(files[1] == repo .. '/editors/nvim/lsp/clerk_core2.lua', 'lsp/clerk_core2.lua not found on the runtimepath')

  local config = vim.lsp.config.clerk_core2
  check(config ~= nil, 'vim.lsp.config.clerk_core2 is empty')
  say('cmd: %s', table.concat(config.cmd, ' '))
  say('filetypes: %s', table.concat(config.filetypes, ', '))
  local exe = vim.fn.exepath(config.cmd[1])
  check(exe ~= '', '%s is not on PATH (build it and put target/release on PATH)', config.cmd[1])
  say('server on PATH: %s', exe)

  vim.lsp.enable('clerk_core2')

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile({ '{ "dependencies": { "@clerk/clerk-sdk-node": "^4.13.0" } }' }, dir .. '/package.json')
  local file = dir .. '/client.ts'
  vim.fn.writefile({
    "import { createClerkClient } from '@clerk/clerk-sdk-node';",
    "const clerk = createClerkClient({ apiKey: 'sk_test_x' });",
  }, file)

  vim.cmd.edit(vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  say('opened %s (filetype %s)', file, vim.bo[buf].filetype)
  check(vim.bo[buf].filetype == 'typescript', 'expected filetype typescript')

  local client = wait_for('clerk_core2 to attach and initialize', function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = 'clerk_core2' })[1]
    return c and c.initialized and c
  end)
  say('attached: client %d, root %s, position encoding %s', client.id, tostring(client.root_dir), client.offset_encoding)
  -- package.json marks the root unless the temp folder sits inside a git checkout.
  local want_root = vim.fs.root(file, config.root_markers)
  check(want_root ~= nil and client.root_dir == want_root, 'root should be %s, got %s', tostring(want_root), tostring(client.root_dir))
  check(client.offset_encoding == 'utf-8', 'Neovim offers utf-8 first, the server should pick it')
  say('diagnostics: %s', client:supports_method('textDocument/diagnostic') and 'pulled (textDocument/diagnostic)' or 'pushed (publishDiagnostics)')

  local diags = wait_for('a clerk-core2 diagnostic', function()
    local d = ours(buf)
    return #d > 0 and d
  end)
  for _, d in ipairs(diags) do
    say('diagnostic: %s', show(d))
  end
  check(#diags == 1, 'expected exactly one diagnostic, got %d', #diags)
  local d = diags[1]
  local line = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
  check(d.code == 'api-key-option', 'expected api-key-option, got %s', tostring(d.code))
  check(d.lnum == 1 and d.col == line:find('apiKey', 1, true) - 1, 'diagnostic is not on `apiKey`')
  check(line:sub(d.col + 1, d.end_col) == 'apiKey', 'diagnostic range covers %q', line:sub(d.col + 1, d.end_col))

  local lsp_diag = d.user_data and d.user_data.lsp
  check(lsp_diag ~= nil, 'diagnostic lacks its LSP original')
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' }, triggerKind = 1 },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT)
  check(responses ~= nil, 'textDocument/codeAction timed out')
  local response = responses[client.id]
  check(response and not response.err, 'code action error: %s', vim.inspect(response and response.err))
  local actions = response.result or {}
  for _, a in ipairs(actions) do
    say('code action: %q (%s, preferred %s)', a.title, a.kind, tostring(a.isPreferred))
  end
  check(#actions == 1, 'expected one code action, got %d', #actions)
  local action = actions[1]
  check(action.title == 'Rename `apiKey` to `secretKey`', 'unexpected title %q', action.title)
  check(action.edit ~= nil, 'the quick fix has no edit')

  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  local fixed = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
  say('applied: %s', fixed)
  check(fixed == "const clerk = createClerkClient({ secretKey: 'sk_test_x' });", 'unexpected text after the fix')

  wait_for('the diagnostic to clear', function()
    return #ours(buf) == 0
  end)
  say('diagnostics after the fix: none')

  -- Columns past multi-byte text prove both sides agree on utf-8 offsets.
  local file2 = dir .. '/unicode.ts'
  vim.fn.writefile({
    "import { createClerkClient } from '@clerk/clerk-sdk-node';",
    "const clé = createClerkClient({ /* 🔑 */ apiKey: 'sk_test_x' });",
  }, file2)
  vim.cmd.edit(vim.fn.fnameescape(file2))
  local buf2 = vim.api.nvim_get_current_buf()
  local d2 = wait_for('a diagnostic in unicode.ts', function()
    return ours(buf2)[1]
  end)
  say('diagnostic: %s', show(d2))
  local line2 = vim.api.nvim_buf_get_lines(buf2, 1, 2, false)[1]
  check(line2:sub(d2.col + 1, d2.end_col) == 'apiKey', 'utf-8 range covers %q', line2:sub(d2.col + 1, d2.end_col))
  local r2 = vim.lsp.buf_request_sync(buf2, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf2) },
    range = d2.user_data.lsp.range,
    context = { diagnostics = { d2.user_data.lsp }, only = { 'quickfix' }, triggerKind = 1 },
  }, TIMEOUT)
  local a2 = r2 and r2[client.id] and r2[client.id].result and r2[client.id].result[1]
  check(a2 ~= nil, 'no quick fix in unicode.ts')
  vim.lsp.util.apply_workspace_edit(a2.edit, client.offset_encoding)
  local fixed2 = vim.api.nvim_buf_get_lines(buf2, 1, 2, false)[1]
  say('applied: %s', fixed2)
  check(fixed2 == "const clé = createClerkClient({ /* 🔑 */ secretKey: 'sk_test_x' });", 'unexpected text after the fix')
  wait_for('the unicode.ts diagnostic to clear', function()
    return #ours(buf2) == 0
  end)
  say('diagnostics after the fix: none')

  client:stop()
  wait_for('the server to shut down', function()
    return client:is_stopped()
  end)
  say('server stopped')
end, debug.traceback)

if not ok then
  if not failed then
    say('FAIL: %s', err)
    lsp_log_tail()
  end
  os.exit(1)
end
say('PASS: nvim end-to-end')
os.exit(0)

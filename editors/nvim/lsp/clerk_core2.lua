---@brief
---
--- clerk-core2-lsp flags what must change when moving `@clerk/clerk-sdk-node`
--- v4 ("Core 1") to v5 ("Core 2"), with quick fixes.
---
--- Build and install the server from its repository:
--- ```sh
--- cargo install --path .
--- ```
---
--- Rule severities and the scope of property-based rules are settings:
--- ```lua
--- vim.lsp.config('clerk_core2', {
---   settings = {
---     clerkCore2 = {
---       rules = { ['client-setter-removed'] = 'warning', ['api-key-option'] = 'off' },
---       scope = 'allFiles',
---     },
---   },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'clerk-core2-lsp', '--stdio' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact' },
  -- The server reads no project files, so one instance per repository is
  -- enough; a package.json stands in outside of git.
  root_markers = { '.git', 'package.json' },
  -- Neovim records everything a server writes to stderr as an error in
  -- lsp.log, so keep the server's routine info lines out of it.
  cmd_env = { CLERK_CORE2_LOG = vim.env.CLERK_CORE2_LOG or 'warn' },
}

; Calls of the removed setters, through a named/aliased/destructured binding
; or a namespace (`sdk.setClerkApiKey(..)`).

(call_expression
  function: (identifier) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl"))

(call_expression
  function: (member_expression property: (property_identifier) @name) @finding
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl"))

(call_expression
  function: (identifier) @finding @name
  (#clerk-ref? @finding "setClerkHttpOptions")
  (#set! message "`{export}` was removed in v5 and has no replacement: v5's client takes no HTTP options"))

(call_expression
  function: (member_expression property: (property_identifier) @name) @finding
  (#clerk-ref? @finding "setClerkHttpOptions")
  (#set! message "`{export}` was removed in v5 and has no replacement: v5's client takes no HTTP options"))

; Where they are imported: `import { setClerkApiKey as set }`, `export { .. } from`,
; `const { setClerkApiKey } = require(..)`, `const { setClerkApiKey: set } = require(..)`.

(import_specifier
  name: (identifier) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl" "setClerkHttpOptions"))

(export_specifier
  name: (identifier) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl" "setClerkHttpOptions"))

(object_pattern
  (shorthand_property_identifier_pattern) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl" "setClerkHttpOptions"))

(pair_pattern
  key: (property_identifier) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl" "setClerkHttpOptions"))

; The client the fix folds the setters into, while the module still imports
; the shared `clerkClient`: v5 does not give the shared client these settings.
((variable_declarator
   name: (identifier) @_client
   value: (call_expression function: [(identifier) (member_expression)] @finding arguments: (arguments . (object) @_opts .)))
  (#clerk-ref? @finding "createClerkClient")
  (#setter-client? @_opts)
  (#set! severity "information")
  (#set! message "`{_client}` carries the settings of the removed setters, but this module still uses the shared `clerkClient`, which v5 configures from the environment only (`CLERK_SECRET_KEY`, `CLERK_API_URL`, `CLERK_API_VERSION`): use `{_client}` where these settings matter"))

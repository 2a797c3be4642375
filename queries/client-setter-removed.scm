; Calls of the removed setters, through a named/aliased/destructured binding
; or a namespace (`sdk.setClerkApiKey(..)`).

; The callee anchors the pattern (the call around it is checked by `#callee?`,
; see `engine::shapes`); through a namespace, its property is the export name.
((identifier) @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl")
  (#callee? @finding))

((property_identifier) @name
  (#any-of? @name "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl")
  (#report-parent? @name "member_expression" "property")
  (#callee? @finding)
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl"))

((identifier) @finding @name
  (#clerk-ref? @finding "setClerkHttpOptions")
  (#callee? @finding)
  (#set! message "`{export}` was removed in v5 and has no replacement: v5's client takes no HTTP options"))

((property_identifier) @name
  (#eq? @name "setClerkHttpOptions")
  (#report-parent? @name "member_expression" "property")
  (#callee? @finding)
  (#clerk-ref? @finding "setClerkHttpOptions")
  (#set! message "`{export}` was removed in v5 and has no replacement: v5's client takes no HTTP options"))

; Where they are imported: `import { setClerkApiKey as set }`, `export { .. } from`,
; `const { setClerkApiKey } = require(..)`, `const { setClerkApiKey: set } = require(..)`.

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding @name
  (#clerk-ref? @finding "setClerkApiKey" "setClerkApiVersion" "setClerkServerApiUrl" "setClerkHttpOptions")
  (#specifier? @finding))

; The client the fix folds the setters into, while the module still imports
; the shared `clerkClient`: v5 does not give the shared client these settings.
((variable_declarator
   name: (identifier) @_client
   value: (call_expression function: [(identifier) (member_expression)] @finding arguments: (arguments . (object) @_opts .)))
  (#clerk-ref? @finding "createClerkClient")
  (#setter-client? @_opts)
  (#set! severity "information")
  (#set! message "`{_client}` carries the settings of the removed setters, but this module still uses the shared `clerkClient`, which v5 configures from the environment only (`CLERK_SECRET_KEY`, `CLERK_API_URL`, `CLERK_API_VERSION`): use `{_client}` where these settings matter"))

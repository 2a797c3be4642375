; `frontendApi` in the options of the Clerk functions that took it, inline or in
; a same-file `const`, as a key, a quoted key or shorthand. The rename is
; automatic only when the value is `process.env.CLERK_FRONTEND_API` (whose own
; finding renames the variable): any other value is a frontend API host that
; must become a publishable key, which needs a person.

((object (pair key: (property_identifier) @finding value: (_) @_value (#eq? @finding "frontendApi"))) @obj
  (#match? @_value "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "publishableKey"))

((object (pair key: (property_identifier) @finding value: (_) @_value (#eq? @finding "frontendApi"))) @obj
  (#not-match? @_value "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.fixer "frontend-api-host"))

((object (pair key: (property_identifier) @finding (#eq? @finding "frontendApi"))) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`frontendApi` is not an option of `{fn}` in v5: the middleware reads the publishable key from `CLERK_PUBLISHABLE_KEY`; drop the option and set that variable"))

((object (pair key: (string (string_fragment) @finding) value: (_) @_value (#eq? @finding "frontendApi"))) @obj
  (#match? @_value "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "publishableKey"))

((object (pair key: (string (string_fragment) @finding) value: (_) @_value (#eq? @finding "frontendApi"))) @obj
  (#not-match? @_value "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.fixer "frontend-api-host"))

((object (pair key: (string (string_fragment) @finding) (#eq? @finding "frontendApi"))) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`frontendApi` is not an option of `{fn}` in v5: the middleware reads the publishable key from `CLERK_PUBLISHABLE_KEY`; drop the option and set that variable"))

((object (shorthand_property_identifier) @finding (#eq? @finding "frontendApi")) @obj
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth"))

((object (shorthand_property_identifier) @finding (#eq? @finding "frontendApi")) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`frontendApi` is not an option of `{fn}` in v5: the middleware reads the publishable key from `CLERK_PUBLISHABLE_KEY`; drop the option and set that variable"))

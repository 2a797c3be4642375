; `frontendApi` in the options of the Clerk functions that took it, inline or in
; a same-file `const`, as a key, a quoted key or shorthand. The rename is
; automatic only when the value is `process.env.CLERK_FRONTEND_API` (whose own
; finding renames the variable): any other value is a frontend API host that
; must become a publishable key, which needs a person.

; The key anchors each pattern; `#option-of?` finds the options object it is
; in and what it is passed to, like `#clerk-options-of?`, and `#option-value?`
; matches the text of the value given to the key (see `engine::shapes`).

([(property_identifier) (string_fragment)] @finding
  (#eq? @finding "frontendApi")
  (#option-value? @finding "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#option-of? @finding "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "publishableKey"))

([(property_identifier) (string_fragment)] @finding
  (#eq? @finding "frontendApi")
  (#not-option-value? @finding "^process\\.env(\\.CLERK_FRONTEND_API|\\[['\"]CLERK_FRONTEND_API['\"]\\])!?$")
  (#option-of? @finding "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.fixer "frontend-api-host"))

((shorthand_property_identifier) @finding
  (#eq? @finding "frontendApi")
  (#option-of? @finding "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth"))

([(property_identifier) (string_fragment) (shorthand_property_identifier)] @finding
  (#eq? @finding "frontendApi")
  (#option-of? @finding "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`frontendApi` is not an option of `{fn}` in v5: the middleware reads the publishable key from `CLERK_PUBLISHABLE_KEY`; drop the option and set that variable"))

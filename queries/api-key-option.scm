; `apiKey` in the options of the Clerk functions that took it, written inline or
; held in a `const` of the same file, as a key, a quoted key or shorthand.

; The key anchors each pattern; `#option-of?` finds the options object it is
; in and what it is passed to, like `#clerk-options-of?` (see `engine::shapes`).

([(property_identifier) (string_fragment) (shorthand_property_identifier)] @finding
  (#eq? @finding "apiKey")
  (#option-of? @finding "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "secretKey"))

([(property_identifier) (string_fragment) (shorthand_property_identifier)] @finding
  (#eq? @finding "apiKey")
  (#option-of? @finding "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`apiKey` is not an option of `{fn}` in v5: it uses the shared client, which reads `CLERK_SECRET_KEY`; for another key build it with `createClerkExpressRequireAuth({ clerkClient: createClerkClient({ secretKey }) })`"))

; `apiKey` in the options of the Clerk functions that took it, written inline or
; held in a `const` of the same file, as a key, a quoted key or shorthand.

((object (pair key: (property_identifier) @finding (#eq? @finding "apiKey"))) @obj
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "secretKey"))

((object (pair key: (string (string_fragment) @finding) (#eq? @finding "apiKey"))) @obj
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "secretKey"))

((object (shorthand_property_identifier) @finding (#eq? @finding "apiKey")) @obj
  (#clerk-options-of? @obj "createClerkClient" "Clerk" "default" "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#set! fix.rename "secretKey"))

((object (pair key: (property_identifier) @finding (#eq? @finding "apiKey"))) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`apiKey` is not an option of `{fn}` in v5: it uses the shared client, which reads `CLERK_SECRET_KEY`; for another key build it with `createClerkExpressRequireAuth({ clerkClient: createClerkClient({ secretKey }) })`"))

((object (pair key: (string (string_fragment) @finding) (#eq? @finding "apiKey"))) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`apiKey` is not an option of `{fn}` in v5: it uses the shared client, which reads `CLERK_SECRET_KEY`; for another key build it with `createClerkExpressRequireAuth({ clerkClient: createClerkClient({ secretKey }) })`"))

((object (shorthand_property_identifier) @finding (#eq? @finding "apiKey")) @obj
  (#clerk-options-of? @obj "ClerkExpressRequireAuth" "ClerkExpressWithAuth")
  (#set! fix.fixer "middleware-option")
  (#set! message "`apiKey` is not an option of `{fn}` in v5: it uses the shared client, which reads `CLERK_SECRET_KEY`; for another key build it with `createClerkExpressRequireAuth({ clerkClient: createClerkClient({ secretKey }) })`"))

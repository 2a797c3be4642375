; The default export and the `Clerk` factory, however they are brought in.
; v4's package root default-exports the shared `clerkClient` instance, the
; `/esm/instance` and `/cjs/instance` paths default-export the `Clerk` factory,
; and `@clerk/backend` 0.x exported `Clerk` too. For the root's default, how the
; name is used (called or constructed, or used as an object) says which named
; import replaces it.

; import Clerk from '@clerk/clerk-sdk-node'

((import_clause (identifier) @finding @_local)
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/esm/instance" "@clerk/clerk-sdk-node/cjs/instance")
  (#set! message "The `/esm/instance` and `/cjs/instance` default export (the `Clerk` factory) is gone in v5: import `{ createClerkClient }` and call it without `new`"))

((import_clause (identifier) @finding @_local)
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node")
  (#called? @finding)
  (#set! message "v5 has no default export and no `Clerk` factory: import `{ createClerkClient }` and call it (without `new`) where `{_local}` is called"))

((import_clause (identifier) @finding @_local)
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node")
  (#not-called? @finding)
  (#set! message "v5 has no default export: `{_local}` is the shared client here, so import `{ clerkClient }` instead"))

; import { default as Clerk } from '@clerk/clerk-sdk-node'

((import_specifier name: _ @_default alias: (identifier) @_local (#eq? @_default "default")) @finding
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node/esm/instance" "@clerk/clerk-sdk-node/cjs/instance")
  (#set! message "The `/esm/instance` and `/cjs/instance` default export (the `Clerk` factory) is gone in v5: import `{ createClerkClient }` and call it without `new`"))

((import_specifier name: _ @_default alias: (identifier) @_local (#eq? @_default "default")) @finding
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node")
  (#called? @_local)
  (#set! message "v5 has no default export and no `Clerk` factory: import `{ createClerkClient }` and call it (without `new`) where `{_local}` is called"))

((import_specifier name: _ @_default alias: (identifier) @_local (#eq? @_default "default")) @finding
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node")
  (#not-called? @_local)
  (#set! message "v5 has no default export: `{_local}` is the shared client here, so import `{ clerkClient }` instead"))

; const Clerk = require('@clerk/clerk-sdk-node/cjs/instance').default

((variable_declarator name: (identifier) @finding @_local value: (member_expression property: (property_identifier) @_default (#eq? @_default "default")))
  (#clerk-ref? @finding "default")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/esm/instance" "@clerk/clerk-sdk-node/cjs/instance")
  (#set! message "The `/esm/instance` and `/cjs/instance` default export (the `Clerk` factory) is gone in v5: import `{ createClerkClient }` and call it without `new`"))

((variable_declarator name: (identifier) @finding @_local value: (member_expression property: (property_identifier) @_default (#eq? @_default "default")))
  (#clerk-ref? @finding "default")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node")
  (#called? @finding)
  (#set! message "v5 has no default export and no `Clerk` factory: import `{ createClerkClient }` and call it (without `new`) where `{_local}` is called"))

((variable_declarator name: (identifier) @finding @_local value: (member_expression property: (property_identifier) @_default (#eq? @_default "default")))
  (#clerk-ref? @finding "default")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node")
  (#not-called? @finding)
  (#set! message "v5 has no default export: `{_local}` is the shared client here, so import `{ clerkClient }` instead"))

; const { default: Clerk } = await import('@clerk/clerk-sdk-node')

((pair_pattern key: (property_identifier) @finding (#eq? @finding "default") value: (identifier) @_local)
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node/esm/instance" "@clerk/clerk-sdk-node/cjs/instance")
  (#set! message "The `/esm/instance` and `/cjs/instance` default export (the `Clerk` factory) is gone in v5: import `{ createClerkClient }` and call it without `new`"))

((pair_pattern key: (property_identifier) @finding (#eq? @finding "default") value: (identifier) @_local)
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node")
  (#called? @_local)
  (#set! message "v5 has no default export and no `Clerk` factory: import `{ createClerkClient }` and call it (without `new`) where `{_local}` is called"))

((pair_pattern key: (property_identifier) @finding (#eq? @finding "default") value: (identifier) @_local)
  (#clerk-module-of? @_local "@clerk/clerk-sdk-node")
  (#not-called? @_local)
  (#set! message "v5 has no default export: `{_local}` is the shared client here, so import `{ clerkClient }` instead"))

; export { default } from '@clerk/clerk-sdk-node'
((export_specifier name: _ @finding (#eq? @finding "default"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*")
  (#set! message "v5 has no default export to re-export: re-export `clerkClient` or `createClerkClient`"))

; import { Clerk }, export { Clerk } from .., const { Clerk } = require(..)
((import_specifier name: (identifier) @finding (#eq? @finding "Clerk"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`Clerk` was removed in v5: import `{ createClerkClient }` and call it (without `new`) instead"))

((export_specifier name: (identifier) @finding (#eq? @finding "Clerk"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`Clerk` was removed in v5: import `{ createClerkClient }` and call it (without `new`) instead"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "Clerk"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`Clerk` was removed in v5: import `{ createClerkClient }` and call it (without `new`) instead"))

((pair_pattern key: (property_identifier) @finding (#eq? @finding "Clerk"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`Clerk` was removed in v5: import `{ createClerkClient }` and call it (without `new`) instead"))

; sdk.Clerk(..), sdk.default.users on a namespace import, require or import()
((property_identifier) @_name (#any-of? @_name "Clerk" "default")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{finding}` is not in v5: use `createClerkClient` to make a client, or `clerkClient` for the shared one"))

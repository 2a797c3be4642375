; `API_URL` imported from a Clerk module (whatever the module: the SDK root never
; exported it), and literal `https://api.clerk.dev` URLs in files that use Clerk.

((import_specifier name: (identifier) @finding (#eq? @finding "API_URL"))
  (#clerk-ref? @finding "API_URL"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "API_URL"))
  (#clerk-ref? @finding "API_URL"))

((pair_pattern key: (property_identifier) @finding (#eq? @finding "API_URL"))
  (#clerk-ref? @finding "API_URL"))

((property_identifier) @_name (#eq? @_name "API_URL")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-ref? @finding "API_URL"))

((string_fragment) @finding
  (#match? @finding "https://api\\.clerk\\.dev($|[^.A-Za-z0-9-])")
  (#clerk-file?)
  (#set! finding.text "https://api.clerk.dev")
  (#set! fix.rename "https://api.clerk.com")
  (#set! message "`https://api.clerk.dev` is the Core 1 API host: v5's default is `https://api.clerk.com`"))

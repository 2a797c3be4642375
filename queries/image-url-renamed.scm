; Image URL properties renamed to `imageUrl`. `profileImageUrl` and `logoUrl`
; are distinctive enough in a file that uses Clerk; `picture` is too common, so
; it counts only on a recognisable external account.

((property_identifier) @finding
  (#any-of? @finding "profileImageUrl" "logoUrl")
  (#field-of? @finding "member_expression" "property")
  (#clerk-file?)
  (#set! fix.rename "imageUrl"))

((object_pattern (shorthand_property_identifier_pattern) @finding)
  (#any-of? @finding "profileImageUrl" "logoUrl")
  (#clerk-file?)
  (#set! fix.rename "imageUrl"))

((object_pattern (object_assignment_pattern left: (shorthand_property_identifier_pattern) @finding))
  (#any-of? @finding "profileImageUrl" "logoUrl")
  (#clerk-file?)
  (#set! fix.rename "imageUrl"))

((object_pattern (pair_pattern key: (property_identifier) @finding))
  (#any-of? @finding "profileImageUrl" "logoUrl")
  (#clerk-file?)
  (#set! fix.rename "imageUrl"))

((property_identifier) @finding
  (#eq? @finding "picture")
  (#clerk-file?)
  (#object-holds? @finding "externalAccount")
  (#set! fix.rename "imageUrl"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "picture")) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "externalAccount")
  (#set! fix.rename "imageUrl"))

((object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "picture"))) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "externalAccount")
  (#set! fix.rename "imageUrl"))

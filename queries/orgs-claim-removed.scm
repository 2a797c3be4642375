; `orgs` read from a session token payload: `sessionClaims.orgs`,
; `req.auth.claims.orgs`, a variable holding claims, `{ orgs } = sessionClaims`.

((member_expression object: (_) @_obj property: (property_identifier) @finding)
  (#eq? @finding "orgs")
  (#clerk-file?)
  (#holds? @_obj "claims"))

((subscript_expression object: (_) @_obj index: (string (string_fragment) @finding))
  (#eq? @finding "orgs")
  (#clerk-file?)
  (#holds? @_obj "claims"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "orgs")) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "claims"))

((object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "orgs"))) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "claims"))

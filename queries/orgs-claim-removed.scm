; `orgs` read from a session token payload: `sessionClaims.orgs`,
; `req.auth.claims.orgs`, a variable holding claims, `{ orgs } = sessionClaims`.

([(property_identifier) (string_fragment)] @finding
  (#eq? @finding "orgs")
  (#clerk-file?)
  (#object-holds? @finding "claims"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "orgs")) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "claims"))

((object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "orgs"))) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "claims"))

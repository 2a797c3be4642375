; `.claims` read from the middleware's auth object: `req.auth.claims`, a variable
; holding `req.auth`, or destructured (`{ claims } = req.auth`,
; `{ auth: { claims } } = req`).

((member_expression object: (_) @_obj property: (property_identifier) @finding)
  (#eq? @finding "claims")
  (#clerk-file?)
  (#holds? @_obj "authObject"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "claims")) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "authObject"))

((object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "claims"))) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "authObject"))

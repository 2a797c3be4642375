; `.claims` read from the middleware's auth object: `req.auth.claims`, a variable
; holding `req.auth`, or destructured (`{ claims } = req.auth`,
; `{ auth: { claims } } = req`).

((property_identifier) @finding
  (#eq? @finding "claims")
  (#clerk-file?)
  (#object-holds? @finding "authObject"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "claims")) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "authObject"))

((object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "claims"))) @_pattern
  (#clerk-file?)
  (#holds? @_pattern "authObject"))

; Client-side `user.update({ password })`: the receiver is a user object
; (`user`, `currentUser`, `clerk.user`), the argument names `password`. The
; backend's `clerkClient.users.updateUser(id, { password })` is still valid.

((call_expression
   function: (member_expression object: (_) @_user property: (property_identifier) @finding)
   arguments: (arguments . (object (pair key: (property_identifier) @_key))))
  (#eq? @finding "update")
  (#eq? @_key "password")
  (#match? @_user "(^|[.])([a-z]+U|u)ser[!?]?$")
  (#clerk-file?))

((call_expression
   function: (member_expression object: (_) @_user property: (property_identifier) @finding)
   arguments: (arguments . (object (shorthand_property_identifier) @_key)))
  (#eq? @finding "update")
  (#eq? @_key "password")
  (#match? @_user "(^|[.])([a-z]+U|u)ser[!?]?$")
  (#clerk-file?))

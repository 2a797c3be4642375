; Client-side `user.update({ password })`: the receiver is a user object
; (`user`, `currentUser`, `clerk.user`), the argument names `password`. The
; backend's `clerkClient.users.updateUser(id, { password })` is still valid.

; `#password-update?` checks the call around the `password` key and reports
; its `update` (see `engine::shapes`).

([(property_identifier) (shorthand_property_identifier)] @_key
  (#eq? @_key "password")
  (#password-update? @_key)
  (#clerk-file?))

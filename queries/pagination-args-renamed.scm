; `limit` / `offset` passed to the client-side resource methods whose paging
; arguments changed. Backend list calls (`getUserList({ limit, offset })`) keep
; them and have other names, so they never match.

; The key anchors the pattern: `#first-argument-key-of?` checks that it is in
; the object passed first to one of these methods and binds `{_method}`.

([(property_identifier) (shorthand_property_identifier) (string_fragment)] @finding
  (#any-of? @finding "limit" "offset")
  (#first-argument-key-of? @finding "getRoles" "getMemberships" "getDomains" "getInvitations" "getMembershipRequests" "getOrganizationInvitations" "getOrganizationSuggestions" "getOrganizationMemberships")
  (#clerk-file?))

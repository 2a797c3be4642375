; `limit` / `offset` passed to the client-side resource methods whose paging
; arguments changed. Backend list calls (`getUserList({ limit, offset })`) keep
; them and have other names, so they never match.

((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (object (pair key: (property_identifier) @finding))))
  (#any-of? @_method "getRoles" "getMemberships" "getDomains" "getInvitations" "getMembershipRequests" "getOrganizationInvitations" "getOrganizationSuggestions" "getOrganizationMemberships")
  (#any-of? @finding "limit" "offset")
  (#clerk-file?))

((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (object (shorthand_property_identifier) @finding)))
  (#any-of? @_method "getRoles" "getMemberships" "getDomains" "getInvitations" "getMembershipRequests" "getOrganizationInvitations" "getOrganizationSuggestions" "getOrganizationMemberships")
  (#any-of? @finding "limit" "offset")
  (#clerk-file?))

((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (object (pair key: (string (string_fragment) @finding)))))
  (#any-of? @_method "getRoles" "getMemberships" "getDomains" "getInvitations" "getMembershipRequests" "getOrganizationInvitations" "getOrganizationSuggestions" "getOrganizationMemberships")
  (#any-of? @finding "limit" "offset")
  (#clerk-file?))

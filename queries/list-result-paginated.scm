; Results of the list methods that return `{ data, totalCount }` in v5 (from the
; v4 and v5 type definitions: every v4 method returning an array whose v5 result
; is a `PaginatedResourceResponse`, plus the client-side ones the guide names),
; where they are still used as arrays. Code that reads `.data` / `.totalCount`
; or destructures `{ data }` is already migrated.

; const users = await clerkClient.users.getUserList()
((variable_declarator
   name: (identifier) @finding
   value: (await_expression (call_expression function: (member_expression property: (property_identifier) @_method))))
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#not-reads-paginated? @finding))

; const [first] = await clerkClient.users.getUserList()
((variable_declarator
   name: (array_pattern) @finding
   value: (await_expression (call_expression function: (member_expression property: (property_identifier) @_method))))
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?))

; (await clerkClient.users.getUserList()).map(..), (await ..)[0], (await ..).length
((member_expression
   object: (parenthesized_expression (await_expression (call_expression function: (member_expression property: (property_identifier) @_method)))) @finding
   property: (property_identifier) @_prop)
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#not-any-of? @_prop "data" "totalCount")
  (#clerk-file?))

((subscript_expression
   object: (parenthesized_expression (await_expression (call_expression function: (member_expression property: (property_identifier) @_method)))) @finding)
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?))

; for (const user of await clerkClient.users.getUserList())
((for_in_statement
   right: (await_expression (call_expression function: (member_expression property: (property_identifier) @_method))) @finding)
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?))

; clerkClient.users.getUserList().then((users) => ..)
((call_expression
   function: (member_expression
     object: (call_expression function: (member_expression property: (property_identifier) @_method))
     property: (property_identifier) @_then)
   arguments: (arguments . [
     (arrow_function parameter: (identifier) @finding)
     (arrow_function parameters: (formal_parameters . [(_) @finding (_ . (identifier) @finding)]))
     (function_expression parameters: (formal_parameters . [(_) @finding (_ . (identifier) @finding)]))
   ]))
  ; A JavaScript parameter is the identifier itself; a TypeScript one wraps it.
  (#match? @finding "^[A-Za-z_$][A-Za-z0-9_$]*$")
  (#eq? @_then "then")
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#not-reads-paginated? @finding))

; Removed in v5 rather than changed.
((call_expression
   function: (member_expression property: (property_identifier) @finding))
  (#eq? @finding "getPendingOrganizationInvitationList")
  (#clerk-file?)
  (#set! message "`getPendingOrganizationInvitationList` was removed in v5: call `getOrganizationInvitationList({ organizationId, status: ['pending'] })`, which returns `{ data, totalCount }`"))

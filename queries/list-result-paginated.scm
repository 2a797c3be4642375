; Results of the list methods that return `{ data, totalCount }` in v5 (from the
; v4 and v5 type definitions: every v4 method returning an array whose v5 result
; is a `PaginatedResourceResponse`, plus the client-side ones the guide names),
; where they are still used as arrays. Code that reads `.data` / `.totalCount`
; or destructures `{ data }` is already migrated.

; The method name anchors each pattern and `#list-result?` checks the
; expression around it and reports its part (see `engine::shapes`): deep
; patterns under calls are what makes the query slow to compile.

; const users = await clerkClient.users.getUserList()
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "declared" "unread"))

; const [first] = await clerkClient.users.getUserList()
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "destructured"))

; (await clerkClient.users.getUserList()).map(..), (await ..).length, not .data / .totalCount
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "member"))

; (await clerkClient.users.getUserList())[0]
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "subscript"))

; for (const user of await clerkClient.users.getUserList())
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "for-of"))

; clerkClient.users.getUserList().then((users) => ..)
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method "then" "unread"))

; Removed in v5 rather than changed.
((property_identifier) @finding
  (#eq? @finding "getPendingOrganizationInvitationList")
  (#called-method? @finding)
  (#clerk-file?)
  (#set! message "`getPendingOrganizationInvitationList` was removed in v5: call `getOrganizationInvitationList({ organizationId, status: ['pending'] })`, which returns `{ data, totalCount }`"))

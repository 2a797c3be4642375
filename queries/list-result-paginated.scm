; Results of the list methods that return `{ data, totalCount }` in v5 (from the
; v4 and v5 type definitions: every v4 method returning an array whose v5 result
; is a `PaginatedResourceResponse`, plus the client-side ones the guide names),
; where they are still used as arrays. Code that reads `.data` / `.totalCount`
; or destructures `{ data }` is already migrated.

; The method name anchors the pattern; `#list-result?` checks the expression
; around the call and reports the part used as an array (see `engine::shapes`):
;   const users = await clerkClient.users.getUserList()      (unless `users.data` is read)
;   const [first] = await clerkClient.users.getUserList()
;   (await clerkClient.users.getUserList()).map(..), (await ..)[0], (await ..).length
;   for (const user of await clerkClient.users.getUserList())
;   clerkClient.users.getUserList().then((users) => ..)       (unless `users.data` is read)
((property_identifier) @_method
  (#any-of? @_method "getUserList" "getSessionList" "getInvitationList" "getOrganizationMembershipList" "getOrganizationInvitationList" "getOrganizationList" "getAllowlistIdentifierList" "getClientList" "getRedirectUrlList" "getUserOauthAccessToken")
  (#clerk-file?)
  (#list-result? @_method))

; Removed in v5 rather than changed.
((property_identifier) @finding
  (#eq? @finding "getPendingOrganizationInvitationList")
  (#called-method? @finding)
  (#clerk-file?)
  (#set! message "`getPendingOrganizationInvitationList` was removed in v5: call `getOrganizationInvitationList({ organizationId, status: ['pending'] })`, which returns `{ data, totalCount }`"))

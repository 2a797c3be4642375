; Names that v4's `@clerk/clerk-sdk-node` (and the `@clerk/backend` 0.x it
; re-exports) exported and v5 does not, from comparing the two versions' type
; definitions. The setters and `Clerk`/`default` have rules of their own.
; Each name counts where it is imported, re-exported or destructured
; (`#specifier?`) and where it is read from the module object.

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((property_identifier) @_name (#any-of? @_name "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "emails" "smsMessages")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((property_identifier) @_name (#any-of? @_name "emails" "smsMessages")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((property_identifier) @_name (#any-of? @_name "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((property_identifier) @_name (#any-of? @_name "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((property_identifier) @_name (#any-of? @_name "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((property_identifier) @_name (#any-of? @_name "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

([(identifier) (shorthand_property_identifier_pattern) (property_identifier)] @finding
  (#any-of? @finding "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#specifier? @finding)
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

((property_identifier) @_name (#any-of? @_name "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions")
  (#report-parent? @_name "member_expression" "property")
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

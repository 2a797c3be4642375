; Names that v4's `@clerk/clerk-sdk-node` (and the `@clerk/backend` 0.x it
; re-exports) exported and v5 does not, from comparing the two versions' type
; definitions. The setters and `Clerk`/`default` have rules of their own.

((import_specifier name: (identifier) @finding (#any-of? @finding "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((export_specifier name: (identifier) @finding (#any-of? @finding "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "users" "sessions" "organizations" "invitations" "clients" "allowlistIdentifiers" "domains" "emailAddresses" "phoneNumbers")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `clerkClient.{export}` (import `{ clerkClient }`)"))

((import_specifier name: (identifier) @finding (#any-of? @finding "emails" "smsMessages"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((export_specifier name: (identifier) @finding (#any-of? @finding "emails" "smsMessages"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "emails" "smsMessages"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "emails" "smsMessages"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "emails" "smsMessages")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` was removed in v5 and the client has no replacement: Clerk no longer sends emails or SMS messages through the Backend API"))

((import_specifier name: (identifier) @finding (#any-of? @finding "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((export_specifier name: (identifier) @finding (#any-of? @finding "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "decodeJwt" "verifyJwt" "signJwt" "hasValidSignature" "SignJwtOptions" "VerifyJwtOptions")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported from the package root in v5: import it from `@clerk/backend/jwt`"))

((import_specifier name: (identifier) @finding (#any-of? @finding "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((export_specifier name: (identifier) @finding (#any-of? @finding "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "constants" "createAuthenticateRequest" "debugRequestState" "makeAuthObjectSerializable" "signedInAuthObject" "signedOutAuthObject" "AuthStatus" "AuthenticateRequestOptions" "CreateAuthenticateRequestOptions" "RequestState" "SignedInAuthObject" "SignedInAuthObjectOptions" "SignedOutAuthObject")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: it moved to `@clerk/backend/internal`, which is not a stable API"))

((import_specifier name: (identifier) @finding (#any-of? @finding "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((export_specifier name: (identifier) @finding (#any-of? @finding "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "redirect" "buildRequestUrl" "createIsomorphicRequest" "deserialize" "loadInterstitialFromLocal" "prunePrivateMetadata" "sanitizeAuthObject" "DeletedObject" "Email" "IdentificationLink" "ObjectType" "RedirectUrl" "Verification" "InvitationStatus" "SignUpAttributeRequirements")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5 and has no public replacement"))

((import_specifier name: (identifier) @finding (#any-of? @finding "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((export_specifier name: (identifier) @finding (#any-of? @finding "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "OAuthProvider" "OAuthStrategy" "OrganizationInvitationStatus" "SignInStatus" "SignUpStatus")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported by the SDK in v5: import the type from `@clerk/types`"))

((import_specifier name: (identifier) @finding (#any-of? @finding "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

((export_specifier name: (identifier) @finding (#any-of? @finding "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

((object_pattern (shorthand_property_identifier_pattern) @finding (#any-of? @finding "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

((pair_pattern key: (property_identifier) @finding (#any-of? @finding "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions"))
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

((member_expression property: (property_identifier) @_name (#any-of? @_name "OptionalVerifyTokenOptions" "RequiredVerifyTokenOptions")) @finding
  (#clerk-module-of? @finding "@clerk/clerk-sdk-node/*" "@clerk/backend")
  (#set! message "`{export}` is no longer exported in v5: use `VerifyTokenOptions`"))

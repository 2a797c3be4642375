; `createClerkExpressRequireAuth` / `createClerkExpressWithAuth` called with
; options (inline or a same-file `const`) that give no publishable key. A
; `frontendApi` key is reported by its own rule, whose fix supplies the key;
; a spread may bring one, so it counts as present.

(call_expression
  function: [(identifier) (member_expression)] @finding
  arguments: (arguments . [(object) (identifier)] @_opts)
  (#clerk-ref? @finding "createClerkExpressRequireAuth" "createClerkExpressWithAuth")
  (#lacks-key? @_opts "publishableKey" "frontendApi"))

; The auth prop types whose shape changed, where they are used as types. An
; aliased import is reported at the import, since the alias hides the name.

((type_identifier) @finding
  (#any-of? @finding "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject")
  (#clerk-ref? @finding "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject"))

((nested_type_identifier name: (type_identifier) @_name) @finding
  (#any-of? @_name "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject")
  (#clerk-ref? @finding "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject"))

((import_specifier name: (identifier) @finding alias: (identifier))
  (#any-of? @finding "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject")
  (#clerk-ref? @finding "LooseAuthProp" "StrictAuthProp" "LegacyAuthObject"))

; The removed entry points, however the module is loaded. Only module
; specifiers count: the same text in any other string is not an import.

((string_fragment) @finding
  (#match? @finding "^@clerk/clerk-sdk-node/(esm|cjs)/instance$")
  (#module-specifier? @finding))

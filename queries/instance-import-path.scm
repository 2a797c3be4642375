; The removed entry points, however the module is loaded. Only module
; specifiers count: the same text in any other string is not an import.

(import_statement
  source: (string (string_fragment) @finding)
  (#match? @finding "^@clerk/clerk-sdk-node/(esm|cjs)/instance$"))

(export_statement
  source: (string (string_fragment) @finding)
  (#match? @finding "^@clerk/clerk-sdk-node/(esm|cjs)/instance$"))

(call_expression
  function: (identifier) @_require (#eq? @_require "require")
  arguments: (arguments . (string (string_fragment) @finding))
  (#match? @finding "^@clerk/clerk-sdk-node/(esm|cjs)/instance$"))

(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @finding))
  (#match? @finding "^@clerk/clerk-sdk-node/(esm|cjs)/instance$"))

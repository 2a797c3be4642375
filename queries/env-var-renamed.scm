; Environment variables v5 renamed, wherever they are read as env:
; `process.env.X`, `process.env['X']`, `import.meta.env.X` and destructuring
; from `process.env`. Only whole names: `MY_CLERK_API_KEY` is another variable.
; The env object is matched by its text (`#env-read?` for reads, see
; `engine::shapes`), which keeps the patterns shallow.

([(property_identifier) (string_fragment)] @finding
  (#eq? @finding "CLERK_API_KEY")
  (#env-read? @finding "process.env" "import.meta.env")
  (#set! fix.rename "CLERK_SECRET_KEY"))

((variable_declarator
   name: (object_pattern [
     (shorthand_property_identifier_pattern) @finding
     (pair_pattern key: (property_identifier) @finding)
     (object_assignment_pattern left: (shorthand_property_identifier_pattern) @finding)
   ])
   value: (member_expression) @_env)
  (#eq? @finding "CLERK_API_KEY")
  (#eq? @_env "process.env")
  (#set! fix.rename "CLERK_SECRET_KEY"))

([(property_identifier) (string_fragment)] @finding
  (#eq? @finding "CLERK_FRONTEND_API")
  (#env-read? @finding "process.env" "import.meta.env")
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

((variable_declarator
   name: (object_pattern [
     (shorthand_property_identifier_pattern) @finding
     (pair_pattern key: (property_identifier) @finding)
     (object_assignment_pattern left: (shorthand_property_identifier_pattern) @finding)
   ])
   value: (member_expression) @_env)
  (#eq? @finding "CLERK_FRONTEND_API")
  (#eq? @_env "process.env")
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

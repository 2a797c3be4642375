; Environment variables v5 renamed, wherever they are read as env:
; `process.env.X`, `process.env['X']`, `import.meta.env.X` and destructuring
; from `process.env`. Only whole names: `MY_CLERK_API_KEY` is another variable.

((member_expression
   object: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env"))
   property: (property_identifier) @finding (#eq? @finding "CLERK_API_KEY"))
  (#set! fix.rename "CLERK_SECRET_KEY"))

((subscript_expression
   object: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env"))
   index: (string (string_fragment) @finding (#eq? @finding "CLERK_API_KEY")))
  (#set! fix.rename "CLERK_SECRET_KEY"))

((member_expression
   object: (member_expression
     object: (meta_property)
     property: (property_identifier) @_env (#eq? @_env "env"))
   property: (property_identifier) @finding (#eq? @finding "CLERK_API_KEY"))
  (#set! fix.rename "CLERK_SECRET_KEY"))

((variable_declarator
   name: (object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "CLERK_API_KEY"))
   value: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env")))
  (#set! fix.rename "CLERK_SECRET_KEY"))

((variable_declarator
   name: (object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "CLERK_API_KEY")))
   value: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env")))
  (#set! fix.rename "CLERK_SECRET_KEY"))

((member_expression
   object: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env"))
   property: (property_identifier) @finding (#eq? @finding "CLERK_FRONTEND_API"))
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

((subscript_expression
   object: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env"))
   index: (string (string_fragment) @finding (#eq? @finding "CLERK_FRONTEND_API")))
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

((member_expression
   object: (member_expression
     object: (meta_property)
     property: (property_identifier) @_env (#eq? @_env "env"))
   property: (property_identifier) @finding (#eq? @finding "CLERK_FRONTEND_API"))
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

((variable_declarator
   name: (object_pattern (shorthand_property_identifier_pattern) @finding (#eq? @finding "CLERK_FRONTEND_API"))
   value: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env")))
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

((variable_declarator
   name: (object_pattern (pair_pattern key: (property_identifier) @finding (#eq? @finding "CLERK_FRONTEND_API")))
   value: (member_expression
     object: (identifier) @_process (#eq? @_process "process")
     property: (property_identifier) @_env (#eq? @_env "env")))
  (#set! fix.rename "CLERK_PUBLISHABLE_KEY")
  (#set! message "`CLERK_FRONTEND_API` is not read by v5: read `CLERK_PUBLISHABLE_KEY`, and set it to the publishable key (its value differs from the frontend API host)"))

return {
  id = "require",
  severity = "error",
  check = function(isms, report, options)
    local socket = require("socket")
  end,
}

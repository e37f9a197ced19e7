-- The rules after those start afresh: an error is its own.
return {
  id = "next-rule",
  severity = "error",
  check = function(isms, report, options)
    local s = string.rep("y", 1000000)
    error("boom " .. #s)
  end,
}

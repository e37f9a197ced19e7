return {
  id = "method-dump",
  severity = "error",
  check = function(isms, report, options)
    local s = ("x").dump(function() end)
  end,
}

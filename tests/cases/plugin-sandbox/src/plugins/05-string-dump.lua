return {
  id = "string-dump",
  severity = "error",
  check = function(isms, report, options)
    local s = string.dump(function() end)
  end,
}

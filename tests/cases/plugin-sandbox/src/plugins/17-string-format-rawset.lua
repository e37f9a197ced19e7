return {
  id = "string-format-rawset",
  severity = "error",
  check = function(isms, report, options)
    rawset(string, "format", function() return "evil" end)
  end,
}

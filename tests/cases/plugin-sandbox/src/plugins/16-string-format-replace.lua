return {
  id = "string-format-replace",
  severity = "error",
  check = function(isms, report, options)
    string.format = function() return "evil" end
  end,
}

return {
  id = "string-meta",
  severity = "error",
  check = function(isms, report, options)
    getmetatable("").__index.format = function() return "evil" end
  end,
}

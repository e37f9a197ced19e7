return {
  id = "huge-rep",
  severity = "error",
  check = function(isms, report, options)
    local s = string.rep("x", 1000000000)
  end,
}

return {
  id = "debug",
  severity = "error",
  check = function(isms, report, options)
    debug.sethook()
  end,
}

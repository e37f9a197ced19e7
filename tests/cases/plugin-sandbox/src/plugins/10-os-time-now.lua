return {
  id = "os-time-now",
  severity = "error",
  check = function(isms, report, options)
    local t = os.time()
  end,
}

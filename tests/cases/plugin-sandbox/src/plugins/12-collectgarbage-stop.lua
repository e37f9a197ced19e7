return {
  id = "collectgarbage-stop",
  severity = "error",
  check = function(isms, report, options)
    collectgarbage("stop")
  end,
}

return {
  id = "endless-loop",
  severity = "error",
  check = function(isms, report, options)
    while true do end
  end,
}

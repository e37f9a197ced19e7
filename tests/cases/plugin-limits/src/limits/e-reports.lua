return {
  id = "report-flood",
  severity = "error",
  check = function(isms, report, options)
    while true do report(nil, "again") end
  end,
}

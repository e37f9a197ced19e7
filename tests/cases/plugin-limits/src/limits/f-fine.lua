return {
  id = "within-limits",
  severity = "warning",
  check = function(isms, report, options)
    report(isms.policies[1], "%d instructions later, still here", 1)
  end,
}

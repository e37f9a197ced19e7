return {
  id = "after-bad-description",
  severity = "warning",
  description = "a rule listed after the one whose description is not UTF-8",
  check = function(isms, report)
    report(isms.by_id["POL-1"], "reported by the rule after it")
  end,
}

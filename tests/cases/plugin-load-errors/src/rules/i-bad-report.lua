return {
  id = "bad-report",
  check = function(isms, report)
    report({file = "x.md", line = 1}, "fake entity")
  end,
}

return {
  id = "model-write",
  severity = "error",
  check = function(isms, report, options)
    isms.policies[1].title = "changed"
  end,
}

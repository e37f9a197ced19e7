return {
  id = "model-rawset",
  severity = "error",
  check = function(isms, report, options)
    rawset(isms.policies, 1, "changed")
  end,
}

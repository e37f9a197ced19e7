return {
  id = "still-works",
  severity = "warning",
  check = function(isms, report, options)
    for _, p in ipairs(isms.policies) do
      report(p, "policy %s is %s (%s)", p.id, p.status, string.format("%d entities", #isms.entities))
    end
  end,
}

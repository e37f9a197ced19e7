return {
  id = "drafts",
  severity = "warning",
  check = function(isms, report)
    for _, p in ipairs(isms.policies) do
      if p.status == "draft" then report(p, "policy %s is a draft", p.id) end
    end
  end,
}

return {
  id = "house-style",
  severity = "warning",
  description = "Titles start with a capital.",
  check = function(isms, report)
    for _, p in ipairs(isms.policies) do
      if not p.title:match("^%u") then report(p, "title of %s starts in lower case", p.id) end
    end
  end,
}

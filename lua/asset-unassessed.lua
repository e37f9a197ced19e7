-- asset-unassessed: every asset appears in the risk assessment.
--
-- Clause 6.1.2 c) asks for the risks associated with the loss of
-- confidentiality, integrity and availability of information in scope to be
-- identified. An asset that no risk refers to was left out of that
-- assessment.
return {
  id = "asset-unassessed",
  severity = "warning",
  description = "An asset must be referred to by at least one risk (clause 6.1.2 c).",
  check = function(isms, report)
    for _, a in ipairs(isms.assets) do
      local assessed = false
      for _, id in ipairs(a.referrers) do
        local e = isms.by_id[id]
        if e and e.kind == "risk" then assessed = true break end
      end
      if not assessed then
        report(a, "asset '%s' is referred to by no risk", a.id)
      end
    end
  end,
}

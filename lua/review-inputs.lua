-- review-inputs: a management review considers every input of clause 9.3.2.
--
-- Clause 9.3.2 lists what management review shall include: the status of
-- actions from previous reviews, changes in external and internal issues and
-- in interested parties' needs, feedback on performance (nonconformities,
-- monitoring results, audit results, objectives), interested parties'
-- feedback, the results of risk assessment and the risk treatment plan, and
-- opportunities for improvement. A review whose `inputs` leave one out has
-- a gap a certification auditor will find. The missing inputs are named in
-- the order of the clause.
local INPUTS = {
  "previous-actions", "issue-changes", "interested-party-changes", "nonconformities",
  "monitoring-results", "audit-results", "objectives", "interested-party-feedback",
  "risk-assessment", "improvement-opportunities",
}

return {
  id = "review-inputs",
  severity = "warning",
  description = "A management review must cover every input of clause 9.3.2.",
  check = function(isms, report)
    for _, r in ipairs(isms.reviews) do
      local has, missing = {}, {}
      for _, i in ipairs(r.inputs) do has[i] = true end
      for _, i in ipairs(INPUTS) do
        if not has[i] then missing[#missing + 1] = i end
      end
      if #missing > 0 then
        report(r, "management review '%s' does not cover %d of the %d inputs of clause 9.3.2: %s",
          r.id, #missing, #INPUTS, table.concat(missing, ", "))
      end
    end
  end,
}

-- residual-above-appetite: what is left after treatment is within appetite,
-- or someone accepted it.
--
-- Clause 6.1.3 f) requires the risk owners to approve the treatment plan
-- and accept the residual risks. A treated risk whose residual score
-- (residual_likelihood x residual_impact) is still above risk.appetite
-- needs that acceptance on record (accepted_by and accepted_on).
return {
  id = "residual-above-appetite",
  severity = "warning",
  description = "A treated risk with a residual score above appetite must be accepted (clause 6.1.3 f).",
  check = function(isms, report)
    local appetite = isms.risk.appetite
    for _, r in ipairs(isms.risks) do
      if r.treatment ~= "accept" and r.residual_likelihood and r.residual_impact then
        local residual = isms.risk.score(r.residual_likelihood, r.residual_impact)
        if residual > appetite and (r.accepted_by == nil or r.accepted_on == nil) then
          report(r, "risk '%s' keeps a residual score of %d, above the appetite of %d, and is not accepted",
            r.id, residual, appetite)
        end
      end
    end
  end,
}

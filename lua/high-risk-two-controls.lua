-- high-risk-two-controls: a high risk is not left to a single control.
--
-- Clause 6.1.3 b) asks the organisation to determine all controls necessary
-- to treat a risk. For a risk scoring `threshold` (default 15) or more, one
-- control is a single point of failure: defence in depth wants at least two.
-- Options: rules: {high-risk-two-controls: {threshold: 12}}
return {
  id = "high-risk-two-controls",
  severity = "warning",
  description = "A risk to mitigate scoring threshold (15) or more needs at least two controls (clause 6.1.3 b).",
  options = { threshold = "integer" },
  check = function(isms, report, options)
    local threshold = tonumber(options.threshold) or 15
    for _, r in ipairs(isms.risks) do
      local score = isms.risk.score(r.likelihood, r.impact)
      -- distinct controls: a control listed twice is still one
      local seen, n = {}, 0
      for _, c in ipairs(r.controls) do
        if not seen[c] then seen[c], n = true, n + 1 end
      end
      if r.treatment == "mitigate" and score >= threshold and n < 2 then
        report(r, "risk '%s' scores %d (threshold %d) but has %d control%s; it needs two",
          r.id, score, threshold, n, n == 1 and "" or "s")
      end
    end
  end,
}

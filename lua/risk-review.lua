-- risk-review: every risk was reviewed within the review interval.
--
-- Clause 8.2 requires risk assessments at planned intervals, and clause
-- 6.1.2 b) assessments that give consistent results. A risk with no
-- reviewed_on, or one older than review_interval_months (isms.yaml, default
-- 12), has not been looked at on the planned cycle.
return {
  id = "risk-review",
  severity = "warning",
  description = "A risk must have been reviewed within the review interval (clause 8.2).",
  check = function(isms, report)
    local months = isms.review_interval_months
    for _, r in ipairs(isms.risks) do
      if r.reviewed_on == nil then
        report(r, "risk '%s' has no reviewed_on date", r.id)
      else
        local due = isms.add_months(r.reviewed_on, months)
        if due < isms.as_of then
          report(r, "risk '%s' was due for review on %s", r.id, due)
        end
      end
    end
  end,
}

-- audit-coverage: every applicable Annex A control was audited within the
-- audit interval.
--
-- Clause 9.2.2 requires an audit programme that takes into account the
-- importance of the processes concerned, and a certification body expects
-- the programme to cover the whole Statement of Applicability over the
-- cycle. A control entity that decides a catalogue control (its id is an
-- Annex A id) with applicable: true must appear in the `controls` list of
-- at least one audit held within audit_interval_months (isms.yaml, default
-- 12) of as_of; held and within are as for audit-interval. An
-- organisation's own controls (with annex:) are not counted for the
-- catalogue ids they map to. When no audit was held within the interval
-- the rule is silent: audit-interval reports that once, instead of one
-- warning here per control.
return {
  id = "audit-coverage",
  severity = "warning",
  description = "An applicable Annex A control must be listed by an audit held within audit_interval_months (clause 9.2.2).",
  check = function(isms, report)
    local months = isms.audit_interval_months
    local covered, held = {}, false
    for _, a in ipairs(isms.audits) do
      if a.date <= isms.as_of and isms.add_months(a.date, months) >= isms.as_of then
        held = true
        for _, id in ipairs(a.controls) do covered[id] = true end
      end
    end
    if not held then return end
    for _, c in ipairs(isms.controls) do
      if c.applicable == true and isms.catalog[c.id] ~= nil and not covered[c.id] then
        report(c, "applicable control '%s' is listed by no internal audit of the last %d months", c.id, months)
      end
    end
  end,
}

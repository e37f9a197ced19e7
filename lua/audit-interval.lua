-- audit-interval: an internal audit was held within the audit interval.
--
-- Clause 9.2.1 requires internal audits at planned intervals, and 9.2.2 an
-- audit programme with their frequency. audit_interval_months (isms.yaml,
-- default 12) is that frequency. An audit is held when its date is not after
-- as_of (one dated later is planned, not done), and it is within the
-- interval when its date plus audit_interval_months (clamped to the end of
-- the month) is not before as_of. With none within the interval the rule
-- reports once: at the last audit held, or at the first one planned when
-- none was held yet. With no audit record at all the rule is silent: a
-- tree written to SPEC v1 (the shared corpus generator's, say) keeps no
-- audits and must stay clean, and a team can adopt ismsc before its first
-- audit; mandatory-docs (clause 9.2), when a project turns it on, is the
-- rule that asks for the first one.
return {
  id = "audit-interval",
  severity = "warning",
  description = "An internal audit must have been held within audit_interval_months (12) of as_of (clause 9.2).",
  check = function(isms, report)
    local months = isms.audit_interval_months
    local last, planned
    for _, a in ipairs(isms.audits) do
      if a.date <= isms.as_of then
        if isms.add_months(a.date, months) >= isms.as_of then return end
        if last == nil or a.date > last.date then last = a end
      elseif planned == nil or a.date < planned.date then
        planned = a
      end
    end
    if last ~= nil then
      report(last, "the last internal audit, '%s' on %s, is older than %d months: the next was due by %s",
        last.id, last.date, months, isms.add_months(last.date, months))
    elseif planned ~= nil then
      report(planned, "internal audit '%s' is planned for %s, after as_of (%s): no audit was held in the last %d months",
        planned.id, planned.date, isms.as_of, months)
    end
  end,
}

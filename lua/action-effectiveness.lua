-- action-effectiveness: a closed action was checked to have worked.
--
-- Clause 10.2 e) requires the organisation to review the effectiveness of
-- any corrective action taken, and 10.2 g) to retain evidence of the
-- results. A closed action with no effectiveness_reviewed_on date was
-- closed on trust. An open action is not checked.
return {
  id = "action-effectiveness",
  severity = "warning",
  description = "A closed action must record effectiveness_reviewed_on (clause 10.2 e).",
  check = function(isms, report)
    for _, a in ipairs(isms.actions) do
      if a.status == "closed" and a.effectiveness_reviewed_on == nil then
        report(a, "action '%s' is closed but its effectiveness was not reviewed (no effectiveness_reviewed_on)", a.id)
      end
    end
  end,
}

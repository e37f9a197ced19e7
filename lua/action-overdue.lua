-- action-overdue: an open corrective action is not past its due date.
--
-- Clause 10.2 c) and d) require the action needed to be implemented, and
-- clause 9.3.2 a) brings the status of actions to management review. An
-- action with status open whose due date is before as_of was not done when
-- promised. Due on as_of itself is not yet late; an action with no due date
-- is not checked.
return {
  id = "action-overdue",
  severity = "warning",
  description = "An open action must not be past its due date (clause 10.2 d).",
  check = function(isms, report)
    for _, a in ipairs(isms.actions) do
      -- dates are YYYY-MM-DD strings: their order is the calendar's
      if a.status == "open" and a.due ~= nil and a.due < isms.as_of then
        report(a, "action '%s' is open and was due on %s", a.id, a.due)
      end
    end
  end,
}

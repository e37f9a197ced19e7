-- objective-overdue: an objective past its due date was either achieved or
-- is flagged.
--
-- Clause 6.2 asks for objectives with "when it will be completed", and
-- clause 9.3.2 c) 4) for management review of their fulfilment. A due date
-- in the past on an objective not marked achieved needs attention.
return {
  id = "objective-overdue",
  severity = "warning",
  description = "An objective past its due date must be achieved (clauses 6.2, 9.3).",
  check = function(isms, report)
    for _, o in ipairs(isms.objectives) do
      -- dates are YYYY-MM-DD strings: their order is the calendar's
      if o.due ~= nil and o.due < isms.as_of and o.status ~= "achieved" then
        report(o, "objective '%s' was due on %s and is %s", o.id, o.due, o.status or "not achieved")
      end
    end
  end,
}

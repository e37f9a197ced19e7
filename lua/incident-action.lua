-- incident-action: a serious incident leads to action.
--
-- Annex A 5.26 asks for incidents to be responded to, A.5.27 for the
-- knowledge gained from them to strengthen the controls, and clause 10.2
-- for the causes of nonconformities to be eliminated. An incident of
-- severity high or critical with no action recorded has taught nothing.
-- An incident has an action when its own `actions` field lists one, or an
-- action's `incident` field names it. Its status does not matter.
return {
  id = "incident-action",
  severity = "error",
  description = "A high or critical incident must have an action (A.5.26, A.5.27, clause 10.2).",
  check = function(isms, report)
    local acted = {}
    for _, a in ipairs(isms.actions) do
      for _, id in ipairs(a.incident) do acted[id] = true end
    end
    for _, i in ipairs(isms.incidents) do
      if (i.severity == "high" or i.severity == "critical") and #i.actions == 0 and not acted[i.id] then
        report(i, "%s incident '%s' has no action (neither its 'actions' nor an action's 'incident' names one)",
          i.severity, i.id)
      end
    end
  end,
}

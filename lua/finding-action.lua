-- finding-action: every nonconformity has a corrective action.
--
-- Clause 10.2 a) and b) require the organisation to react to a
-- nonconformity and to decide on action to eliminate its causes. A finding
-- of type nonconformity-major or nonconformity-minor that no action lists in
-- its `finding` field has no recorded reaction. Its status does not matter:
-- a closed nonconformity still needs the action that closed it. Observations
-- and opportunities need no action. (A body reference [[F-1]] in an action's
-- text is not enough: the `finding` field is what the manual traces.)
return {
  id = "finding-action",
  severity = "error",
  description = "A nonconformity must have a corrective action referring to it (clause 10.2).",
  check = function(isms, report)
    local acted = {}
    for _, a in ipairs(isms.actions) do
      for _, id in ipairs(a.finding) do acted[id] = true end
    end
    for _, f in ipairs(isms.findings) do
      if (f.type == "nonconformity-major" or f.type == "nonconformity-minor") and not acted[f.id] then
        report(f, "%s '%s' has no corrective action (no action lists it in 'finding')", f.type, f.id)
      end
    end
  end,
}

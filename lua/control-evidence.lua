-- control-evidence: an implemented control says where its evidence is.
--
-- Clause 9.1 asks for monitoring and measurement to be retained as
-- evidence, and a certification auditor tests the Statement of
-- Applicability against records: "implemented" with nothing to show is a
-- finding waiting to happen.
return {
  id = "control-evidence",
  severity = "warning",
  description = "An implemented control must list its evidence (clauses 6.1.3, 9.1).",
  check = function(isms, report)
    for _, c in ipairs(isms.controls) do
      if c.implementation == "implemented" and #c.evidence == 0 then
        report(c, "control '%s' is implemented but lists no evidence", c.id)
      end
    end
  end,
}

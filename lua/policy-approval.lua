-- policy-approval: an approved policy or procedure names who approved it and when.
--
-- ISO/IEC 27001 clause 5.2 requires the information security policy to be
-- approved by top management, and clause 7.5.2 requires documented
-- information to be reviewed and approved for suitability. "status: approved"
-- without the approver or the date is a claim with no evidence behind it.
return {
  id = "policy-approval",
  severity = "error",
  description = "An approved policy or procedure must name approved_by and approved_on (clauses 5.2, 7.5.2).",
  check = function(isms, report)
    for _, list in ipairs({isms.policies, isms.procedures}) do
      for _, d in ipairs(list) do
        if d.status == "approved" then
          local missing = {}
          if d.approved_by == nil or d.approved_by == "" then missing[#missing + 1] = "approved_by" end
          if d.approved_on == nil then missing[#missing + 1] = "approved_on" end
          if #missing > 0 then
            report(d, "%s '%s' is approved but has no %s", d.kind, d.id, table.concat(missing, " and "))
          end
        end
      end
    end
  end,
}

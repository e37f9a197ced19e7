-- owner-required: everything that can have an owner has one.
--
-- ISO/IEC 27001 clause 5.3 assigns responsibilities; Annex A 5.9 asks for
-- owners of assets, and clause 6.1.2 c) 2) for risk owners. A control or
-- a record of a kind that has an `owner` field but leaves it empty has
-- nobody accountable for it. (Where a schema makes owner required, a missing
-- owner is already a schema error.)
return {
  id = "owner-required",
  severity = "warning",
  description = "An entity of a kind that has an owner field must name its owner (clause 5.3, A.5.9).",
  check = function(isms, report)
    for _, e in ipairs(isms.entities) do
      local kind = isms.kinds[e.kind]
      if kind and kind.fields.owner and (e.owner == nil or e.owner == "") then
        report(e, "%s '%s' has no owner", e.kind, e.id)
      end
    end
  end,
}

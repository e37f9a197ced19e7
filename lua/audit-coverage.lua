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
local function add_months(date, months)
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m) + months, tonumber(d)
  y = y + (m - 1) // 12
  m = (m - 1) % 12 + 1
  local last = os.date("*t", os.time({year = y, month = m + 1, day = 0, hour = 12})).day
  if d > last then d = last end
  return string.format("%04d-%02d-%02d", y, m, d)
end

local function interval(isms)
  local n = math.tointeger(tonumber(isms.config.audit_interval_months))
  if n == nil or n < 1 or n > 120 then n = 12 end
  return n
end

return {
  id = "audit-coverage",
  severity = "warning",
  description = "An applicable Annex A control must be listed by an audit held within audit_interval_months (clause 9.2.2).",
  check = function(isms, report)
    local months = interval(isms)
    local covered, held = {}, false
    for _, a in ipairs(isms.audits) do
      if a.date <= isms.as_of and add_months(a.date, months) >= isms.as_of then
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

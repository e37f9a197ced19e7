-- isms.add_months: month ends clamp, leap years count, bad input gives nil.
return {
  id = "dates",
  severity = "warning",
  check = function(isms, report)
    local cases = {
      {"2025-01-31", 1}, {"2024-01-31", 1}, {"2024-02-29", 12}, {"2025-10-31", 8},
      {"2026-03-15", -15}, {"2026-02-30", 1}, {"nonsense", 1}, {"2026-01-01", 1.5},
      {"2026-01-01", 10^12}, {nil, 1}, {"2026-01-01", "x"},
    }
    for i, c in ipairs(cases) do
      report(nil, "%d: %s + %s = %s", i, tostring(c[1]), tostring(c[2]), tostring(isms.add_months(c[1], c[2])))
    end
    report(nil, "audit interval %d", isms.audit_interval_months)
  end,
}

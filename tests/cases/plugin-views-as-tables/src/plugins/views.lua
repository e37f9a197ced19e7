return {
  id = "views",
  severity = "warning",
  check = function(isms, report)
    local p = isms.by_id["POL-1"]
    report(p, "types: %s %s %s %s %s %s %s", type(isms), type(isms.policies), type(p),
      type(p.controls), type(p.objectives), type(isms.config), type(p.id))
    report(p, "empty: controls %s, objectives %s", tostring(next(p.controls) == nil),
      tostring(next(p.objectives) == nil))
    local walked, k = 0, next(p)
    while k ~= nil do walked = walked + 1; k = next(p, k) end
    local paired = 0
    for _ in pairs(p) do paired = paired + 1 end
    report(p, "next walks %d fields, pairs %d; first control %s", walked, paired,
      select(2, next(p.controls)))
    report(p, "other values: %s %s %s", type(nil), type(1), type(print == nil))
  end,
}

-- Garbage made near the budget is collected, as Lua does when memory is
-- short: no limit was exceeded.
return {
  id = "churn",
  severity = "warning",
  check = function(isms, report, options)
    local keep = {}
    for i = 1, 20 do keep[i] = string.rep(string.char(64 + i), 1000000) end
    local n = 0
    for i = 1, 400 do n = n + #string.rep("z", 100000 + i) end
    report(nil, "kept %d, churned %d", #keep, n)
  end,
}

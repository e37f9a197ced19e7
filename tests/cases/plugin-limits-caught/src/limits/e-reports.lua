-- The report cap, caught: the reports made are kept, the limit is named at
-- the call that went over it.
return {
  id = "reports-caught",
  severity = "warning",
  check = function(isms, report, options)
    for i = 1, 5 do
      pcall(report, nil, "report %d", i)
    end
  end,
}

return {
  id = "nested-too",
  severity = "warning",
  check = function(isms, report) report(nil, "lua/more/ loads as well") end,
}

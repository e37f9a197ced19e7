return {
  id = "nested-too",
  severity = "warning",
  check = function(isms, report) report(nil, "lua/more/ loads too, which it must not: the default is lua/*.lua") end,
}

-- The instruction budget, spent in a coroutine whose error is caught.
return {
  id = "instructions-caught",
  severity = "warning",
  check = function(isms, report, options)
    local ok = pcall(coroutine.wrap(function() while true do end end))
    report(nil, "survived: %s", tostring(ok))
  end,
}

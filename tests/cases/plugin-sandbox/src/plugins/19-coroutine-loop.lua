return {
  id = "coroutine-loop",
  severity = "error",
  check = function(isms, report, options)
    while true do
      local co = coroutine.wrap(function() while true do end end)
      pcall(co)
    end
  end,
}

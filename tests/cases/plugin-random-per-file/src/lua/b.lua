-- Draws what a file that seeds nothing draws (plugin-sandbox 22-random),
-- whatever a.lua did.
return {
  id = "unseeded",
  severity = "warning",
  check = function(isms, report, options)
    report(nil, "%d %d %d", math.random(1, 1000000), math.random(1, 1000000), math.random(1, 1000000))
  end,
}

-- This file seeds math.random, while it loads and again in its rule: its own
-- generator, not b.lua's.
math.randomseed(123)
return {
  id = "seeded",
  severity = "warning",
  check = function(isms, report, options)
    report(nil, "%d", math.random(1, 1000000))
    math.randomseed(5)
  end,
}

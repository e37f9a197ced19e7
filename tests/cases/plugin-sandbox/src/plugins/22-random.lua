-- math.random is seeded the same way on every run.
return {
  id = "random",
  severity = "warning",
  check = function(isms, report, options)
    report(nil, "%d %d %d", math.random(1, 1000000), math.random(1, 1000000), math.random(1, 1000000))
  end,
}
